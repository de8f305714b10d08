/**
 * The OA token manager against a fake OAuth endpoint: refresh before expiry and on demand,
 * the new pair stored before it is used, one refresh at a time, both answer shapes, and a
 * clear message when Zalo refuses the refresh token; plus the zalo:token command.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { ZaloTokenStore } from '../../src/storage/zalo-tokens.ts';
import { TokenUnavailableError, ZaloTokenManager } from '../../src/channels/zalo-oa/token-manager.ts';
import { createLogger } from '../../src/core/logger.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../fakes/fake-zalo-oa.ts';
import { TEST_APP_ID } from '../fakes/zalo-events.ts';

const APP_SECRET = 'app-secret-tokens';
let db: Db;
let store: ZaloTokenStore;
let fake: FakeZaloOa;
let logs: string[];

beforeEach(async () => {
  db = openDatabase(':memory:');
  store = new ZaloTokenStore(db);
  logs = [];
});
afterEach(async () => {
  db.close();
  await fake?.close();
});

function manager(now = () => Date.now()) {
  return new ZaloTokenManager({
    store,
    appId: TEST_APP_ID,
    appSecret: APP_SECRET,
    oauthBaseUrl: fake.baseUrl,
    logger: createLogger('info', (l) => logs.push(l)),
    now,
  });
}

describe('ZaloTokenManager', () => {
  test('a token about to expire is refreshed before use, and the new pair is stored first', async () => {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, refreshTokens: ['r0'] });
    store.save({ accessToken: 'old', refreshToken: 'r0', accessExpiresAt: Date.now() + 60_000, source: 'env' });
    const token = await manager().accessToken();
    expect(token).toBe('access-1');
    expect(store.get()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', source: 'refresh', refreshDead: false });
    expect(store.get()!.accessExpiresAt).toBeGreaterThan(Date.now() + 24 * 3600_000);
    // A fresh token is used as is: no second refresh.
    expect(await manager().accessToken()).toBe('access-1');
    expect(fake.tokenCalls).toHaveLength(1);
  });

  test('concurrent callers share one refresh (refresh tokens are single-use)', async () => {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, refreshTokens: ['r0'] });
    store.save({ accessToken: 'stale', refreshToken: 'r0', source: 'env' });
    const m = manager();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => m.refreshAfterReject('stale')));
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(fake.tokenCalls).toHaveLength(1);
    // A send that was rejected with the old token after the refresh gets the new one without refreshing again.
    expect(await m.refreshAfterReject('stale')).toBe('access-1');
    expect(fake.tokenCalls).toHaveLength(1);
  });

  test('an answer nested under "data" is accepted', async () => {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, refreshTokens: ['r0'], nestTokenUnderData: true, expiresIn: '3600' });
    store.save({ refreshToken: 'r0', source: 'cli' });
    expect(await manager().accessToken()).toBe('access-1');
    expect(store.get()!.refreshToken).toBe('refresh-1');
  });

  test('a refused refresh token: one clear log line saying what to do, not retried until a new one is set', async () => {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, refreshTokens: [] });
    store.save({ refreshToken: 'spent', source: 'env' });
    const m = manager();
    await expect(m.accessToken()).rejects.toBeInstanceOf(TokenUnavailableError);
    await expect(m.accessToken()).rejects.toBeInstanceOf(TokenUnavailableError);
    expect(fake.tokenCalls).toHaveLength(1);
    const line = logs.find((l) => l.includes('ERROR'))!;
    expect(line).toContain('npm run zalo:token -- --set-refresh');
    expect(line).toContain('Invalid refresh token');
    expect(store.get()!.refreshDead).toBe(true);

    fake.validRefreshTokens.add('new-one');
    store.setRefreshToken('new-one');
    expect(await m.accessToken()).toBe('access-1');
    expect(store.get()!.refreshDead).toBe(false);
  });

  test('the background check refreshes a token close to expiry on its own', async () => {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, refreshTokens: ['r0'] });
    store.save({ accessToken: 'old', refreshToken: 'r0', accessExpiresAt: Date.now() + 5 * 60_000, source: 'env' });
    const m = new ZaloTokenManager({ store, appId: TEST_APP_ID, appSecret: APP_SECRET, oauthBaseUrl: fake.baseUrl, logger: createLogger('silent'), checkEveryMs: 20 });
    m.start();
    try {
      const deadline = Date.now() + 10_000;
      while (store.get()!.accessToken !== 'access-1' && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
      expect(store.get()!.accessToken).toBe('access-1');
    } finally {
      m.stop();
    }
  });

  test('the configured pair seeds storage only once: a stored (newer) pair wins', () => {
    expect(store.seed({ accessToken: 'a', refreshToken: 'r' })).toBe(true);
    store.save({ accessToken: 'newer', refreshToken: 'newer-r', source: 'refresh' });
    expect(store.seed({ accessToken: 'a', refreshToken: 'r' })).toBe(false);
    expect(store.get()!.accessToken).toBe('newer');
  });
});

test('npm run zalo:token -- --set-refresh stores the token, exchanges it and stores the new pair', async () => {
  fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, refreshTokens: ['from-console'] });
  const dataDir = mkdtempSync(join(tmpdir(), 'bg-token-'));
  try {
    const run = promisify(execFile);
    const env = { ...process.env, DATA_DIR: dataDir, ZALO_APP_ID: TEST_APP_ID, ZALO_APP_SECRET: APP_SECRET, ZALO_OAUTH_BASE_URL: fake.baseUrl, LOG_LEVEL: 'warn' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/zalo-token.ts', '--set-refresh', 'from-console'], { env });
    expect(stdout).toContain('Đã đổi lấy access token mới');
    expect(stdout).not.toContain('from-console');
    const saved = openDatabase(join(dataDir, 'assistant.db'));
    try {
      expect(new ZaloTokenStore(saved).get()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    } finally {
      saved.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
