/**
 * Hardening of the OA webhook (issue 12): a hostile signature header is a clean 401, never a
 * 500; replayed events outside the signed-timestamp window are refused; ids above 2^53 stay
 * exact strings.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createServer } from '../../src/http/server.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { ZaloQueue } from '../../src/storage/zalo-queue.ts';
import { createOaWebhookRouter, withinReplayWindow } from '../../src/channels/zalo-oa/webhook.ts';
import { keepFinishedMs } from '../../src/channels/outbox/runtime.ts';
import { signatureMatches } from '../../src/channels/zalo-oa/signature.ts';
import { signBody, TEST_APP_ID, textEvent } from '../fakes/zalo-events.ts';

const OA_KEY = 'oa-secret-key-h';
let server: Server | undefined;
let db: Db | undefined;

afterEach(async () => {
  if (server) await new Promise((ok) => server!.close(ok));
  db?.close();
  server = undefined;
});

async function oaWebhook(env: Record<string, string> = {}, now: () => number = Date.now) {
  const config = loadConfig({ ZALO_APP_ID: TEST_APP_ID, ZALO_OA_SECRET_KEY: OA_KEY, ...env });
  db = openDatabase(':memory:');
  const queue = new ZaloQueue(db);
  const logs: string[] = [];
  const logger = createLogger('debug', (l) => logs.push(l));
  const router = createOaWebhookRouter({ config, queue: () => queue, onAccepted: () => undefined, logger, now });
  server = createServer({ dialogue: () => undefined, logger, messageMaxChars: 1000, routers: [router] }).listen(0, '127.0.0.1');
  await new Promise((ok) => server!.once('listening', ok));
  const port = (server!.address() as AddressInfo).port;
  return { port, base: `http://127.0.0.1:${port}`, logs, queue, db: db! };
}

/** A request written byte for byte on a socket, so a header may carry any bytes (as curl sends them). */
function rawPost(port: number, headers: Record<string, Buffer | string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [Buffer.from(`POST /webhooks/zalo-oa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`)];
    for (const [name, value] of Object.entries(headers)) parts.push(Buffer.from(`${name}: `), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'));
    parts.push(Buffer.from('\r\n'), Buffer.from(body));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', fail);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      ok({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(Buffer.concat(parts));
  });
}

describe('signature header of non-ASCII bytes', () => {
  test('64 × 0xE9 after mac= is a 401, not a 500 with a stack trace', async () => {
    const w = await oaWebhook();
    const body = '{"event_name":"follow","timestamp":"1","follower":{"id":"1"}}';
    const res = await rawPost(w.port, { 'x-zevent-signature': Buffer.concat([Buffer.from('mac='), Buffer.alloc(64, 0xe9)]) }, body);
    expect(res.status).toBe(401);
    expect(w.logs.join('\n')).not.toContain('request failed');
  });

  test.each([['é'.repeat(64)], ['ä'.repeat(32)], ['\u00ff'.repeat(65)], ['a'.repeat(63) + 'é']])('signatureMatches(%j) is false without throwing', (given) => {
    expect(signatureMatches(`mac=${given}`, 'a'.repeat(64))).toBe(false);
  });
});

describe('replay window on the signed timestamp', () => {
  const HOUR = 3_600_000;
  const signedText = (timestamp: string, msgId: string) => {
    const body = JSON.stringify(textEvent({ userId: '9', text: 'gặp cán bộ', msgId, timestamp }));
    return { body, headers: { 'content-type': 'application/json', 'x-zevent-signature': signBody(body, { secret: OA_KEY, timestamp }) } };
  };

  test('a captured request replayed on day 8 is refused; inside the window it is a duplicate', async () => {
    let now = 1_760_000_000_000;
    const w = await oaWebhook({}, () => now);
    const captured = signedText(String(now), 'm-replay-1');
    expect((await fetch(`${w.base}/webhooks/zalo-oa`, { method: 'POST', ...captured })).status).toBe(200);
    // Zalo's own retries (same body) inside 12 h are duplicates.
    now += 12 * HOUR;
    const retry = await fetch(`${w.base}/webhooks/zalo-oa`, { method: 'POST', ...captured });
    expect(await retry.json()).toEqual({ status: 'duplicate' });
    // Day 8: the dedupe row may be gone; the timestamp refuses it.
    now += 8 * 24 * HOUR;
    w.db.prepare('DELETE FROM zalo_inbox').run();
    const replay = await fetch(`${w.base}/webhooks/zalo-oa`, { method: 'POST', ...captured });
    expect(replay.status).toBe(403);
    expect(w.queue.counts().inboxPending).toBe(0);
    expect(w.logs.join('\n')).toContain('replay window');
  });

  test.each([
    ['13 h 1 min old', -13 * HOUR - 60_000, 403],
    ['12 h 59 min old', -13 * HOUR + 60_000, 200],
    ['20 min ahead', 20 * 60_000, 403],
    ['5 min ahead', 5 * 60_000, 200],
  ])('a signed timestamp %s → %i', async (_label, offset, status) => {
    const now = 1_760_000_000_000;
    const w = await oaWebhook({}, () => now);
    const req = signedText(String(now + offset), `m-${offset}`);
    expect((await fetch(`${w.base}/webhooks/zalo-oa`, { method: 'POST', ...req })).status).toBe(status);
  });

  test('ZALO_REPLAY_WINDOW_HOURS sets the window; dedupe rows outlive it', async () => {
    const now = 1_760_000_000_000;
    const w = await oaWebhook({ ZALO_REPLAY_WINDOW_HOURS: '2' }, () => now);
    expect((await fetch(`${w.base}/webhooks/zalo-oa`, { method: 'POST', ...signedText(String(now - 3 * HOUR), 'm-w') })).status).toBe(403);
    expect(withinReplayWindow(String(now - HOUR), 2 * HOUR, now)).toBe(true);
    expect(withinReplayWindow('abc', 2 * HOUR, now)).toBe(false);
    expect(withinReplayWindow(String(Math.floor((now - HOUR) / 1000)), 2 * HOUR, now)).toBe(true); // seconds
    expect(keepFinishedMs(13 * HOUR)).toBeGreaterThanOrEqual(13 * HOUR);
    expect(keepFinishedMs(30 * 24 * HOUR)).toBeGreaterThan(30 * 24 * HOUR);
  });
});

describe('ids above 2^53 sent as numbers', () => {
  test('sender.id 5750000000000000993 is stored exactly, so the reply goes to …993', async () => {
    const now = Date.now();
    const w = await oaWebhook({}, () => now);
    const body = `{"app_id":"${TEST_APP_ID}","event_name":"user_send_text","timestamp":"${now}","sender":{"id":5750000000000000993},"recipient":{"id":579745863508352884},"message":{"text":"xin chào","msg_id":"big-1"}}`;
    const res = await fetch(`${w.base}/webhooks/zalo-oa`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': signBody(body, { secret: OA_KEY, timestamp: String(now) }) }, body });
    expect(res.status).toBe(200);
    expect(w.queue.pendingInbox().map((i) => i.userId)).toEqual(['5750000000000000993']);
  });
});
