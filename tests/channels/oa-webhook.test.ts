/**
 * The OA webhook's configurable signature (zalo-platform.md marks the secret and the
 * timestamp source UNCONFIRMED): each variant verifies when configured, a mismatch names the
 * variant that would have matched, and `log-only` accepts loudly — never silently.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createServer } from '../../src/http/server.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { ZaloQueue } from '../../src/storage/zalo-queue.ts';
import { createOaWebhookRouter } from '../../src/channels/zalo-oa/webhook.ts';
import { signBody, TEST_APP_ID, textEvent } from '../fakes/zalo-events.ts';

const OA_KEY = 'oa-secret-key-x';
const APP_SECRET = 'app-secret-x';
let server: Server | undefined;
let db: Db | undefined;

afterEach(async () => {
  if (server) await new Promise((ok) => server!.close(ok));
  db?.close();
  server = undefined;
});

async function webhook(env: Record<string, string>) {
  const config = loadConfig({ ZALO_APP_ID: TEST_APP_ID, ZALO_OA_SECRET_KEY: OA_KEY, ZALO_APP_SECRET: APP_SECRET, ...env });
  db = openDatabase(':memory:');
  const queue = new ZaloQueue(db);
  const logs: string[] = [];
  const logger = createLogger('debug', (l) => logs.push(l));
  let kicks = 0;
  // The events below are signed at 1700000000123: the clock stands a second later (replay window).
  const router = createOaWebhookRouter({ config, queue: () => queue, onAccepted: () => void kicks++, logger, now: () => 1700000001123 });
  server = createServer({ dialogue: () => undefined, logger, messageMaxChars: 1000, routers: [router] }).listen(0, '127.0.0.1');
  await new Promise((ok) => server!.once('listening', ok));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  const post = async (o: { secret: string; signedTimestamp?: string; headerTimestamp?: string }) => {
    const event = textEvent({ userId: 'u1', text: 'xin chào', timestamp: '1700000000123' });
    const body = JSON.stringify(event);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-zevent-signature': signBody(body, { secret: o.secret, timestamp: o.signedTimestamp ?? '1700000000123' }),
    };
    if (o.headerTimestamp) headers['x-zevent-timestamp'] = o.headerTimestamp;
    const res = await fetch(`${base}/webhooks/zalo-oa`, { method: 'POST', headers, body });
    return res.status;
  };
  return { post, logs, queue, kicks: () => kicks };
}

describe('signature variants', () => {
  test('default: OA Secret Key and the body timestamp', async () => {
    const w = await webhook({});
    expect(await w.post({ secret: OA_KEY })).toBe(200);
    expect(await w.post({ secret: APP_SECRET })).toBe(401);
    expect(w.queue.counts().inboxPending).toBe(1);
    expect(w.kicks()).toBe(1);
  });

  test('a mismatch names the setting that would verify', async () => {
    const w = await webhook({});
    expect(await w.post({ secret: APP_SECRET })).toBe(401);
    expect(w.logs.join('\n')).toContain('WOULD match with ZALO_OA_SIGNATURE_SECRET=app-secret ZALO_OA_SIGNATURE_TIMESTAMP=body');
  });

  test('App Secret and the X-ZEvent-Timestamp header, when configured', async () => {
    const w = await webhook({ ZALO_OA_SIGNATURE_SECRET: 'app-secret', ZALO_OA_SIGNATURE_TIMESTAMP: 'header' });
    expect(await w.post({ secret: APP_SECRET, signedTimestamp: '1700000000999', headerTimestamp: '1700000000999' })).toBe(200);
    expect(await w.post({ secret: APP_SECRET })).toBe(401);
  });

  test('log-only accepts a bad signature but says so on every request', async () => {
    const w = await webhook({ ZALO_OA_SIGNATURE_MODE: 'log-only' });
    expect(await w.post({ secret: 'wrong' })).toBe(200);
    expect(await w.post({ secret: 'wrong-again' })).toBe(200);
    expect(w.logs.filter((l) => l.includes('BAD SIGNATURE ACCEPTED'))).toHaveLength(2);
    expect(w.logs.every((l) => !l.includes(OA_KEY))).toBe(true);
  });
});
