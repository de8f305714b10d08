/**
 * Send outcomes (issue 12, item 2) on the real runtime (queue, worker, OA sender, token
 * manager) against the fake Zalo OA: a dead token parks replies without spending attempts and
 * a new stored token resends them all; -211 parks until the quota resets; an unknown code is
 * retried a bounded number of times; the parked count shows in health().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { IncomingMessage, Reply } from '../../src/core/messages.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { ZaloTokenStore } from '../../src/storage/zalo-tokens.ts';
import { startZaloRuntime, type ZaloRuntime } from '../../src/channels/outbox/runtime.ts';
import { nextQuotaReset } from '../../src/channels/outbox/message-worker.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../fakes/fake-zalo-oa.ts';
import { waitFor } from '../fakes/http-fake.ts';
import { TEST_APP_ID } from '../fakes/zalo-events.ts';

const APP_SECRET = 'app-secret-o';
let dir: string;
let db: Db;
let zalo: FakeZaloOa;
let runtime: ZaloRuntime | undefined;
let logs: string[];

const echo = { handle: async (m: IncomingMessage): Promise<Reply> => ({ messages: [{ type: 'text', text: `re:${m.type === 'text' ? m.text : m.type}` }], intent: 'x', sources: [], confidence: 1 }) };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bg-outcomes-'));
  db = openDatabase(join(dir, 'assistant.db'));
  logs = [];
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await zalo?.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(o: { accessTokens?: string[]; refreshTokens?: string[]; stored: { accessToken?: string; refreshToken?: string } }) {
  zalo = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, accessTokens: o.accessTokens, refreshTokens: o.refreshTokens });
  const config = loadConfig({
    ZALO_APP_ID: TEST_APP_ID,
    ZALO_APP_SECRET: APP_SECRET,
    ZALO_OA_SECRET_KEY: 'k',
    ZALO_API_BASE_URL: zalo.baseUrl,
    ZALO_OAUTH_BASE_URL: zalo.baseUrl,
    ZALO_SEND_RETRY_BASE_MS: '5',
    ZALO_SEND_RETRY_MAX_MS: '20',
    ZALO_SEND_MAX_ATTEMPTS: '3',
  });
  new ZaloTokenStore(db).save({ ...o.stored, accessExpiresAt: Date.now() + 3_600_000, source: 'cli' });
  runtime = startZaloRuntime({ config, db, dialogue: echo, logger: createLogger('debug', (l) => logs.push(l)) })!;
  return runtime;
}
const message = (userId: string, text: string): IncomingMessage => ({ type: 'text', channel: 'zalo-oa', userId, text, receivedAt: Date.now() });

describe('send outcomes', () => {
  test('a revoked token and a refused refresh: 20 replies parked, none failed; a new token stored resends all 20', async () => {
    const rt = await start({ stored: { accessToken: 'revoked', refreshToken: 'spent' } });
    for (let i = 0; i < 20; i++) rt.queue.accept(`m${i}`, message(`u${i % 4}`, `q${i}`));
    rt.worker.kick();
    await waitFor(() => rt.health().parked.token > 0 && rt.queue.counts().inboxPending === 0, 'parked', 10_000);
    // Only each user's head is tried; the rest wait behind it. Nothing is failed, attempts unspent.
    await new Promise((ok) => setTimeout(ok, 200));
    expect(rt.queue.counts().outboxFailed).toBe(0);
    expect(db.prepare("SELECT MAX(attempts) FROM zalo_outbox").pluck().get()).toBe(0);
    expect(logs.join('\n')).toMatch(/parked .*waiting for a new OA token/);
    // The operator runs `npm run zalo:token -- --set-refresh …`: another process stores a new pair.
    zalo.validAccessTokens.add('fresh-access');
    new ZaloTokenStore(db).save({ accessToken: 'fresh-access', refreshToken: 'fresh-refresh', accessExpiresAt: Date.now() + 3_600_000, source: 'cli' });
    await waitFor(() => zalo.delivered.length === 20, '20 delivered', 15_000);
    expect(rt.queue.counts()).toMatchObject({ outboxSent: 20, outboxFailed: 0, outboxParked: 0 });
    expect(new Set(zalo.delivered.map((d) => d.text)).size).toBe(20);
  });

  test('-211 (quota exhausted): parked until the quota resets, no attempt spent, counted in health()', async () => {
    const rt = await start({ accessTokens: ['ok'], stored: { accessToken: 'ok', refreshToken: 'r' } });
    for (let i = 0; i < 5; i++) zalo.sendFailures.push({ json: { error: -211, message: 'Out of quota' } });
    for (let i = 0; i < 5; i++) rt.queue.accept(`q${i}`, message(`v${i}`, `quota ${i}`));
    rt.worker.kick();
    await waitFor(() => rt.health().parked.quota === 5, '5 parked for quota', 10_000);
    expect(rt.queue.counts().outboxFailed).toBe(0);
    const next = db.prepare("SELECT MIN(next_attempt_at) FROM zalo_outbox WHERE status = 'pending'").pluck().get() as number;
    expect(next).toBe(nextQuotaReset(Date.now()));
    // The reset comes (simulated): they go out.
    db.prepare("UPDATE zalo_outbox SET next_attempt_at = 0 WHERE status = 'pending'").run();
    rt.worker.kick();
    await waitFor(() => zalo.delivered.length === 5, '5 delivered', 10_000);
  });

  test('an unknown code is retried with backoff, loudly, a bounded number of times (not dropped at once)', async () => {
    const rt = await start({ accessTokens: ['ok'], stored: { accessToken: 'ok', refreshToken: 'r' } });
    zalo.sendFailures.push({ json: { error: -999, message: 'Something new' } }, { json: { error: -999, message: 'Something new' } });
    rt.queue.accept('x1', message('w', 'hello'));
    rt.worker.kick();
    await waitFor(() => zalo.delivered.length === 1, 'delivered after 2 unknown errors', 10_000);
    expect(logs.join('\n')).toContain('UNKNOWN Zalo error code');
    for (let i = 0; i < 10; i++) zalo.sendFailures.push({ json: { error: -998, message: 'still new' } });
    rt.queue.accept('x2', message('w2', 'again'));
    rt.worker.kick();
    await waitFor(() => rt.queue.counts().outboxFailed === 1, 'given up after the bound', 10_000);
    expect(zalo.sendCalls()).toBeLessThanOrEqual(3 + 3); // first reply's 3 calls + at most 3 for the second
  });

  test('nextQuotaReset is the next midnight in Vietnam (UTC+7)', () => {
    const t = Date.UTC(2026, 11, 2, 16, 59); // 23:59 in Hà Nội
    expect(nextQuotaReset(t)).toBe(Date.UTC(2026, 11, 2, 17, 0));
    expect(nextQuotaReset(Date.UTC(2026, 11, 2, 17, 0))).toBe(Date.UTC(2026, 11, 3, 17, 0));
  });
});
