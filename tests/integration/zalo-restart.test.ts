/**
 * Crash safety: the real server is killed (SIGKILL, no shutdown) with acknowledged messages
 * not yet answered and replies not yet delivered, then restarted on the same SQLite file.
 * Every message is answered exactly once, and Zalo's retry of an event after the restart
 * is still recognised as a duplicate.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { startServer, type RunningServer } from '../helpers/start-server.ts';
import { freshDataDir } from '../helpers/test-assistant.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../fakes/fake-zalo-oa.ts';
import { waitFor } from '../fakes/http-fake.ts';
import { signedRequest, TEST_APP_ID, textEvent } from '../fakes/zalo-events.ts';

// Two server starts and asynchronous delivery: allow for a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const OA_SECRET = 'oa-secret-key-restart';
let fake: FakeZaloOa;
let dataDir: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: 'app-secret', accessTokens: ['access-0'] });
  dataDir = freshDataDir();
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({
  DATA_DIR: dataDir,
  ZALO_APP_ID: TEST_APP_ID,
  ZALO_OA_SECRET_KEY: OA_SECRET,
  ZALO_OA_ACCESS_TOKEN: 'access-0',
  ZALO_API_BASE_URL: fake.baseUrl,
  ZALO_OAUTH_BASE_URL: fake.baseUrl,
  ZALO_SEND_RETRY_BASE_MS: '40',
  ZALO_SEND_RETRY_MAX_MS: '200',
});

async function post(server: RunningServer, event: Record<string, unknown>): Promise<string> {
  const req = signedRequest(event, OA_SECRET);
  const res = await fetch(`${server.baseUrl}/webhooks/zalo-oa`, { method: 'POST', headers: req.headers, body: req.body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

test('killed with work pending, restarted: every acknowledged message is answered once', async () => {
  const first = await startServer({ env: env() });
  servers.push(first);
  // Zalo hangs on every send: nothing can be delivered before the crash.
  for (let i = 0; i < 500; i++) fake.sendFailures.push('hang');
  const events = Array.from({ length: 30 }, (_, i) => textEvent({ userId: `crash-${i}`, text: i % 2 ? 'cảm ơn' : 'xin chào' }));
  for (const e of events) expect(await post(first, e)).toBe('accepted');
  await waitFor(() => fake.sendCalls() >= 1, 'a send in flight');
  await first.kill();
  expect(fake.delivered).toHaveLength(0);

  fake.sendFailures.length = 0; // Zalo is healthy again
  const second = await startServer({ env: env() });
  servers.push(second);
  await waitFor(() => events.every((_, i) => fake.textsFor(`crash-${i}`).length >= 1), `all replies after restart\n${second.logs().slice(-3000)}`);
  expect(second.logs()).toMatch(/resuming \d+ unanswered messages and \d+ unsent replies/);

  // Zalo retries an event it already delivered: still a duplicate after the restart.
  expect(await post(second, events[0]!)).toBe('duplicate');
  // A barrier per user: replies keep their order, so any duplicate would arrive before it.
  for (let i = 0; i < 3; i++) expect(await post(second, textEvent({ userId: `crash-${i}`, text: 'cảm ơn' }))).toBe('accepted');
  await waitFor(() => [0, 1, 2].every((i) => fake.textsFor(`crash-${i}`).length >= 2), 'barrier replies');
  for (let i = 0; i < events.length; i++) {
    expect(fake.textsFor(`crash-${i}`), `user crash-${i}`).toHaveLength(i < 3 ? 2 : 1);
  }
});
