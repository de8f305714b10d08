/**
 * The web chat's identity (issue 12, item 7): a browser's conversation is bound to a signed,
 * HTTP-only cookie the server issues; another client sending the same `userId` reaches a
 * different conversation, and a forged cookie is worth nothing. Clients without cookies keep
 * the design.md contract (`userId` in the body).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import type { Dialogue } from '../../src/core/dialogue.ts';
import type { IncomingMessage, Reply } from '../../src/core/messages.ts';
import { createServer } from '../../src/http/server.ts';
import { createWebIdentity, webCookieSecret } from '../../src/http/web-identity.ts';
import { createStaffPublicRouter } from '../../src/http/staff-public.ts';
import type { StaffSide } from '../../src/staff/index.ts';

const seen: string[] = [];
/** Whose staff inbox and feedback the staff side is asked for. */
const inboxOf: string[] = [];
const staffSide = {
  tickets: { activeFor: (_channel: string, userId: string) => (inboxOf.push(userId), undefined), webMessagesFor: () => [] },
  feedback: { record: (f: { userId: string }) => (inboxOf.push(f.userId), undefined) },
} as unknown as StaffSide;
const dialogue = {
  handle: async (m: IncomingMessage): Promise<Reply> => {
    seen.push(m.userId);
    return { messages: [{ type: 'text', text: `you are ${m.userId}` }], intent: 'greeting', sources: [], confidence: 1 } as Reply;
  },
} as unknown as Dialogue;
let server: Server;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'web-identity-'));
  const webIdentity = createWebIdentity(webCookieSecret(dataDir));
  server = createServer({ dialogue: () => dialogue, logger: createLogger('silent'), messageMaxChars: 1000, webIdentity, routers: [createStaffPublicRouter(() => staffSide, webIdentity)] }).listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const chat = async (userId: string, cookie?: string) => {
  const res = await fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify({ userId, text: 'xin chào' }),
  });
  return { status: res.status, userId: seen.at(-1) };
};
const session = async () => {
  const res = await fetch(`${base}/api/session`, { method: 'POST' });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { setCookie, cookie: setCookie.split(';')[0]! };
};

describe('web chat identity', () => {
  test('the page gets a signed HTTP-only cookie; its conversation is the cookie’s, not the userId’s', async () => {
    const b = await session();
    expect(b.setCookie).toMatch(/^bg_chat=/);
    expect(b.setCookie).toMatch(/HttpOnly/i);
    expect(b.setCookie).toMatch(/SameSite=Lax/i);
    const asB = await chat('web-b', b.cookie);
    expect(asB.userId).toMatch(/^c:/);
    // A knows B's userId label: without B's cookie it does not reach B's conversation.
    const asA = await chat('web-b');
    expect(asA.status).toBe(200);
    expect(asA.userId).toBe('web-b');
    expect(asA.userId).not.toBe(asB.userId);
    // A with its own cookie and B's label: A's own conversation.
    const a = await session();
    expect((await chat('web-b', a.cookie)).userId).not.toBe(asB.userId);
    // The same cookie twice: the same conversation.
    expect((await chat('anything', b.cookie)).userId).toBe(asB.userId);
  });

  test('a forged or tampered cookie is ignored; "c:" ids cannot be claimed', async () => {
    const b = await session();
    const id = /^bg_chat=([^.]+)\./.exec(b.cookie)![1]!;
    expect((await chat('web-x', `bg_chat=${id}.${'A'.repeat(43)}`)).userId).toBe('web-x');
    expect((await chat(`c:${id}`)).status).toBe(400);
  });

  test('a second POST /api/session with a valid cookie keeps it; the key file is private', async () => {
    const b = await session();
    const again = await fetch(`${base}/api/session`, { method: 'POST', headers: { Cookie: b.cookie } });
    expect(await again.json()).toEqual({ ok: true, issued: false });
    expect(statSync(join(dataDir, 'web-cookie.key')).mode & 0o077).toBe(0);
  });

  test('scripts without cookies keep the contract: userId in the body, multi-turn', async () => {
    expect((await chat('script-1')).userId).toBe('script-1');
    expect((await chat('script-1')).userId).toBe('script-1');
  });

  test('a browser polls the staff inbox of its own conversation, and rates its own answers', async () => {
    const b = await session();
    const asB = await chat('web-b', b.cookie);
    await fetch(`${base}/api/chat/inbox?userId=web-b&after=0`, { headers: { Cookie: b.cookie } });
    expect(inboxOf.at(-1)).toBe(asB.userId);
    await fetch(`${base}/api/feedback`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: b.cookie }, body: JSON.stringify({ userId: 'web-b', messageId: 'm1', rating: 'down' }) });
    expect(inboxOf.at(-1)).toBe(asB.userId);
    // Without the cookie, B's label reaches only the script namespace; the reserved prefix is refused.
    await fetch(`${base}/api/chat/inbox?userId=web-b`);
    expect(inboxOf.at(-1)).toBe('web-b');
    expect((await fetch(`${base}/api/chat/inbox?userId=${encodeURIComponent(asB.userId!)}`)).status).toBe(400);
  });
});
