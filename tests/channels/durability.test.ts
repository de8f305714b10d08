/**
 * Durability (issue 12, item 10): the inbox commit that backs Zalo's 200 runs with
 * synchronous=FULL (other writes stay NORMAL); a refresh whose answer was lost after Zalo
 * rotated the pair is detected as a spent refresh token: sends park and the log says how to
 * re-authorise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { ZaloQueue } from '../../src/storage/zalo-queue.ts';
import { ZaloTokenStore } from '../../src/storage/zalo-tokens.ts';
import { TokenUnavailableError, ZaloTokenManager } from '../../src/channels/zalo-oa/token-manager.ts';
import { createLogger } from '../../src/core/logger.ts';

let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((ok) => server!.close(ok));
  server = undefined;
});

describe('durable inbox writes', () => {
  test('accept and acceptSoon commit with synchronous = FULL, then go back to NORMAL', async () => {
    const db = openDatabase(':memory:');
    const seen: number[] = [];
    const insert = db.prepare.bind(db);
    const spy = vi.spyOn(db, 'prepare');
    spy.mockImplementation((sql: string) => {
      const stmt = insert(sql);
      if (!sql.startsWith('INSERT OR IGNORE INTO zalo_inbox')) return stmt;
      const run = stmt.run.bind(stmt);
      return Object.assign(stmt, { run: (...args: unknown[]) => (seen.push(db.pragma('synchronous', { simple: true }) as number), run(...args)) });
    });
    const q2 = new ZaloQueue(db);
    q2.accept('a', { type: 'text', channel: 'zalo-oa', userId: 'u', text: 'x', receivedAt: 0 });
    await q2.acceptSoon('b', { type: 'text', channel: 'zalo-oa', userId: 'u', text: 'y', receivedAt: 0 });
    expect(seen).toEqual([2, 2]); // 2 = FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // back to NORMAL
    spy.mockRestore();
    db.close();
  });
});

describe('spent refresh token', () => {
  test('an answer lost after Zalo rotated the pair: the next refresh is refused, named "spent", and needs the operator', async () => {
    let calls = 0;
    server = createServer((req, res) => {
      calls += 1;
      req.resume();
      // First call: Zalo rotates the pair, but the answer never arrives.
      if (calls === 1) return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token is invalid or used' }));
    }).listen(0, '127.0.0.1');
    await new Promise((ok) => server!.once('listening', ok));
    const db = openDatabase(':memory:');
    const store = new ZaloTokenStore(db);
    store.save({ accessToken: 'old', refreshToken: 'r1', accessExpiresAt: 0, source: 'cli' });
    const logs: string[] = [];
    const tokens = new ZaloTokenManager({ store, appId: 'a', appSecret: 's', oauthBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logger: createLogger('debug', (l) => logs.push(l)) });
    const first = await tokens.refresh().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TokenUnavailableError);
    expect((first as TokenUnavailableError).needsOperator).toBe(false); // network: retry
    const second = await tokens.refresh().catch((e: unknown) => e);
    expect(second).toBeInstanceOf(TokenUnavailableError);
    expect((second as TokenUnavailableError).needsOperator).toBe(true); // park
    expect(logs.join('\n')).toMatch(/spent/);
    expect(logs.join('\n')).toContain('--set-refresh');
    expect(store.get()!.refreshDead).toBe(true);
    db.close();
  });
});
