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
import { createOaWebhookRouter } from '../../src/channels/zalo-oa/webhook.ts';
import { signatureMatches } from '../../src/channels/zalo-oa/signature.ts';
import { TEST_APP_ID } from '../fakes/zalo-events.ts';

const OA_KEY = 'oa-secret-key-h';
let server: Server | undefined;
let db: Db | undefined;

afterEach(async () => {
  if (server) await new Promise((ok) => server!.close(ok));
  db?.close();
  server = undefined;
});

export async function oaWebhook(env: Record<string, string> = {}, now: () => number = Date.now) {
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
