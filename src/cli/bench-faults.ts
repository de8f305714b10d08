/**
 * The fault run of `npm run bench`: the real server (a child process) answering through its
 * outbox to the fake OA API while things go wrong — a dead token then a new one set back
 * (as `npm run zalo:token -- --set-refresh` does), an exhausted quota (-211), bursts of -32,
 * replayed webhooks (inside and outside the replay window), and kill -9 during sends with a
 * restart on the same DATA_DIR. Counts, at the fake OA API: replies lost, duplicated, parked.
 *
 * usage: npm run bench (after the Zalo load run)   or   npx tsx src/cli/bench-faults.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../tests/helpers/start-server.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../../tests/fakes/fake-zalo-oa.ts';
import { waitFor } from '../../tests/fakes/http-fake.ts';
import { signBody, signedRequest, TEST_APP_ID, textEvent } from '../../tests/fakes/zalo-events.ts';
import { openDatabase } from '../storage/database.ts';
import { ZaloTokenStore } from '../storage/zalo-tokens.ts';
import { ZaloTokenManager } from '../channels/zalo-oa/token-manager.ts';
import { silentLogger } from '../core/logger.ts';

const OA_SECRET = 'fault-oa-secret';

/** Polls an async check until it holds or `timeoutMs` passes (the run reports what it got). */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
}
const APP_SECRET = 'fault-app-secret';

export interface FaultBenchResult {
  accepted: number;
  lost: number;
  duplicated: number;
  parked: number;
  replaysAnswered: number;
}

export async function benchFaults(options: { out: (line?: string) => void; perPhase?: number }): Promise<FaultBenchResult> {
  const { out } = options;
  const n = options.perPhase ?? 20;
  const dataDir = mkdtempSync(join(tmpdir(), 'bg-faults-'));
  let fake: FakeZaloOa | undefined;
  let server: RunningServer | undefined;
  const accepted = new Map<string, string>(); // userId → text
  const captured: Array<{ body: string; headers: Record<string, string> }> = [];
  const phases: string[] = [];
  try {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, accessTokens: ['fault-access'] });
    const env = {
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ZALO_APP_ID: TEST_APP_ID,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_OA_ACCESS_TOKEN: 'fault-access',
      ZALO_OA_REFRESH_TOKEN: 'never-valid',
      ZALO_API_BASE_URL: fake.baseUrl,
      ZALO_OAUTH_BASE_URL: fake.baseUrl,
      ZALO_SEND_RETRY_BASE_MS: '50',
      ZALO_SEND_RETRY_MAX_MS: '500',
      RATE_LIMIT_PER_MINUTE: '0',
    };
    server = await startServer({ readyTimeoutMs: 300_000, env });
    const health = async () => (await (await fetch(`${server!.baseUrl}/healthz`)).json()) as { outbox?: { pending: number; parked: { token: number; quota: number } } };
    const post = async (req: { body: string; headers: Record<string, string> }) => {
      const res = await fetch(`${server!.baseUrl}/webhooks/zalo-oa`, { method: 'POST', headers: req.headers, body: req.body });
      return { status: res.status, body: await res.text() };
    };
    let seq = 0;
    const sendBatch = async (tag: string, count: number) => {
      for (let i = 0; i < count; i++) {
        const userId = `f-${tag}-${seq++}`;
        const text = `xin chào ${tag} ${i}`;
        const req = signedRequest(textEvent({ userId, text }), OA_SECRET);
        const res = await post(req);
        if (res.status === 200 && res.body.includes('"accepted"')) {
          accepted.set(userId, text);
          if (captured.length < n) captured.push(req);
        }
      }
    };
    const repliedTo = (prefix: string) => new Set(fake!.delivered.filter((d) => d.userId.startsWith(prefix)).map((d) => d.userId)).size;

    // 1. A dead token: the access token is revoked and the refresh token refused → parked.
    fake.expire('fault-access');
    await sendBatch('token', n);
    await until(async () => ((await health()).outbox?.parked.token ?? 0) > 0, 60_000);
    const parkedToken = (await health()).outbox?.parked.token ?? 0;
    // …then the operator stores a new refresh token (what `npm run zalo:token -- --set-refresh` does).
    fake.validRefreshTokens.add('operator-refresh');
    const db = openDatabase(join(dataDir, 'assistant.db'));
    const store = new ZaloTokenStore(db);
    store.setRefreshToken('operator-refresh');
    await new ZaloTokenManager({ store, appId: TEST_APP_ID, appSecret: APP_SECRET, oauthBaseUrl: fake.baseUrl, logger: silentLogger }).refresh();
    db.close();
    await waitFor(() => repliedTo('f-token-') >= n, 'replies after the new token', 60_000).catch(() => undefined);
    phases.push(`dead token: ${parkedToken} parked (heads of the users' queues), ${repliedTo('f-token-')}/${n} answered after the new token was stored`);

    // 2. -32 bursts.
    for (let i = 0; i < n * 2; i++) fake.sendFailures.push({ json: { error: -32, message: 'rate limited' } });
    await sendBatch('rate', n);
    await waitFor(() => repliedTo('f-rate-') >= n, '-32 burst replies', 60_000).catch(() => undefined);
    phases.push(`-32 burst (${n * 2} refusals): ${repliedTo('f-rate-')}/${n} answered`);

    // 3. Replays: the same signed requests again, and one re-sent 14 h later (re-signed with its old timestamp).
    const before = fake.delivered.length;
    let duplicatesAcked = 0;
    for (const req of captured) if ((await post(req)).body.includes('"duplicate"')) duplicatesAcked++;
    const old = String(Date.now() - 14 * 3_600_000);
    const stale = JSON.stringify(textEvent({ userId: 'f-replay-old', text: 'gặp cán bộ', timestamp: old }));
    const staleStatus = (await post({ body: stale, headers: { 'content-type': 'application/json', 'x-zevent-signature': signBody(stale, { secret: OA_SECRET, timestamp: old }) } })).status;
    await new Promise((ok) => setTimeout(ok, 1000));
    const replaysAnswered = fake.delivered.length - before;
    phases.push(`replays: ${captured.length} re-sent → ${duplicatesAcked} acknowledged as duplicates; one 14 h old → HTTP ${staleStatus}; ${replaysAnswered} answered again`);

    // 4. kill -9 during sends, restart on the same DATA_DIR.
    for (let i = 0; i < 10; i++) fake.sendFailures.push('hang');
    await sendBatch('kill', n);
    await new Promise((ok) => setTimeout(ok, 300));
    await server.kill();
    fake.sendFailures.length = 0;
    server = await startServer({ readyTimeoutMs: 300_000, env });
    await waitFor(() => repliedTo('f-kill-') >= n, 'replies after the restart', 60_000).catch(() => undefined);
    phases.push(`kill -9 during sends: ${repliedTo('f-kill-')}/${n} answered after the restart`);

    // 5. -211: the quota is exhausted — parked until it resets (midnight, Vietnam time).
    for (let i = 0; i < n; i++) fake.sendFailures.push({ json: { error: -211, message: 'Out of quota' } });
    await sendBatch('quota', Math.min(5, n));
    await until(async () => ((await health()).outbox?.parked.quota ?? 0) >= Math.min(5, n), 30_000);
    const parkedQuota = (await health()).outbox?.parked.quota ?? 0;
    phases.push(`-211 quota: ${parkedQuota} parked until the reset, none failed`);

    await new Promise((ok) => setTimeout(ok, 1500));
    const replied = new Set(fake.delivered.map((d) => d.userId));
    const quotaUsers = [...accepted.keys()].filter((u) => u.startsWith('f-quota-'));
    const lost = [...accepted.keys()].filter((u) => !u.startsWith('f-quota-') && !replied.has(u)).length;
    const seen = new Map<string, number>();
    for (const d of fake.delivered) seen.set(`${d.userId}\u0000${d.text}`, (seen.get(`${d.userId}\u0000${d.text}`) ?? 0) + 1);
    const duplicated = [...seen.values()].reduce((s, c) => s + c - 1, 0);
    const parked = ((await health()).outbox?.parked.token ?? 0) + parkedQuota;
    out('Zalo faults — real server, fake OA API: dead token set back, -32 bursts, replays, kill -9 during sends, -211');
    for (const p of phases) out(`  ${p}`);
    out(`  total: ${accepted.size} messages accepted · lost ${lost} · duplicated ${duplicated} · parked ${parked} (${quotaUsers.length} sent while out of quota)`);
    return { accepted: accepted.size, lost, duplicated, parked, replaysAnswered };
  } finally {
    await server?.stop();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchFaults({ out: (s = '') => process.stdout.write(s + '\n') }).catch((error: unknown) => {
    process.stderr.write(`bench-faults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
