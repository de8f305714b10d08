/**
 * Limits on POST /api/chat (issue 12, item 8): per user and per IP (a rotating userId does not
 * get around it), 429 with Retry-After and the polite reply; loopback clients are exempt from
 * the per-IP limit (this machine's scripts, `npm run eval`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import type { Dialogue } from '../../src/core/dialogue.ts';
import type { Reply } from '../../src/core/messages.ts';
import { createServer } from '../../src/http/server.ts';
import { RateLimiter } from '../../src/http/rate-limit.ts';

const dialogue = { handle: async (): Promise<Reply> => ({ messages: [{ type: 'text', text: 'ok' }], intent: 'greeting', sources: [], confidence: 1 }) } as unknown as Dialogue;
let server: Server;
let base: string;
let now = 1_000_000;

beforeAll(async () => {
  server = createServer({
    dialogue: () => dialogue,
    logger: createLogger('silent'),
    messageMaxChars: 1000,
    rateLimiter: new RateLimiter(3),
    ipLimit: { max: 5, windowMs: 60_000 },
    trustProxy: 'loopback',
    now: () => now,
  }).listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const chat = (userId: string, ip?: string) =>
  fetch(`${base}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(ip ? { 'X-Forwarded-For': ip } : {}) }, body: JSON.stringify({ userId, text: 'xin chào' }) });

describe('/api/chat limits', () => {
  test('one IP rotating userIds is stopped at the per-IP limit with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await chat(`rot-${i}`, '203.0.113.9')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const res = await chat('rot-x', '203.0.113.9');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: string; replies: Array<{ text: string }>; intent: string };
    expect(body.intent).toBe('rate_limited');
    expect(body.error).toContain('phút');
    // Another IP is not affected; the window passes.
    expect((await chat('other', '198.51.100.1')).status).toBe(200);
    now += 61_000;
    expect((await chat('rot-y', '203.0.113.9')).status).toBe(200);
  });

  test('one user over the per-user limit gets 429 too', async () => {
    now += 120_000;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat('same-user', '192.0.2.44')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('loopback clients are not limited per IP', async () => {
    now += 120_000;
    for (let i = 0; i < 12; i++) expect((await chat(`local-${i}`)).status).toBe(200);
  });
});
