/**
 * The OA's OAuth token pair, kept in SQLite (one row). Refresh tokens are single-use, so
 * the pair a refresh returns must be stored here before the new access token is used.
 */
import type { Db } from './database.ts';

export interface StoredTokenPair {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch ms; undefined when the access token came from configuration with no known expiry. */
  accessExpiresAt?: number;
  /** Zalo refused the refresh token: someone must set a new one. */
  refreshDead: boolean;
  /** Where the pair came from: "env", "refresh", "cli". */
  source: string;
  updatedAt: number;
}

interface Row {
  access_token: string | null;
  refresh_token: string | null;
  access_expires_at: number | null;
  refresh_dead: number;
  source: string;
  updated_at: number;
}

export class ZaloTokenStore {
  constructor(private readonly db: Db) {}

  get(): StoredTokenPair | undefined {
    const r = this.db.prepare('SELECT * FROM zalo_oa_tokens WHERE id = 1').get() as Row | undefined;
    if (!r) return undefined;
    return {
      accessToken: r.access_token ?? undefined,
      refreshToken: r.refresh_token ?? undefined,
      accessExpiresAt: r.access_expires_at ?? undefined,
      refreshDead: r.refresh_dead === 1,
      source: r.source,
      updatedAt: r.updated_at,
    };
  }

  /** Writes the whole pair (a refresh's answer, or a pair set by hand). */
  save(pair: Omit<StoredTokenPair, 'updatedAt' | 'refreshDead'> & { refreshDead?: boolean }, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO zalo_oa_tokens (id, access_token, refresh_token, access_expires_at, refresh_dead, source, updated_at)
         VALUES (1, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
           access_expires_at = excluded.access_expires_at, refresh_dead = excluded.refresh_dead, source = excluded.source, updated_at = excluded.updated_at`,
      )
      .run(pair.accessToken ?? null, pair.refreshToken ?? null, pair.accessExpiresAt ?? null, pair.refreshDead ? 1 : 0, pair.source, now);
  }

  /** Stores the configured pair only if none is stored yet: a stored pair is always newer. */
  seed(pair: { accessToken?: string; refreshToken?: string }, now = Date.now()): boolean {
    if (this.get() || (!pair.accessToken && !pair.refreshToken)) return false;
    this.save({ ...pair, source: 'env' }, now);
    return true;
  }

  /** First set-up or recovery: a new refresh token; the stored access token is dropped so the next send refreshes. */
  setRefreshToken(refreshToken: string, now = Date.now()): void {
    this.save({ refreshToken, source: 'cli' }, now);
  }

  markRefreshDead(now = Date.now()): void {
    this.db.prepare('UPDATE zalo_oa_tokens SET refresh_dead = 1, updated_at = ? WHERE id = 1').run(now);
  }
}
