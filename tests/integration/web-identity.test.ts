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

const seen: string[] = [];
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
  server = createServer({ dialogue: () => dialogue, logger: createLogger('silent'), messageMaxChars: 1000, webIdentity }).listen(0, '127.0.0.1');
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
});
