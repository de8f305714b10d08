/**
 * OAuth v4 tokens of the OA: the pair lives in SQLite; the access token is refreshed before
 * it expires and whenever Zalo rejects it (-216/-220). Refresh tokens are single-use, so
 * the new pair is written to SQLite before the new access token is used, and only one
 * refresh runs at a time. When Zalo refuses the refresh token, one clear log line says
 * how to set a new one.
 */
import type { Logger } from '../../core/logger.ts';
import type { ZaloTokenStore } from '../../storage/zalo-tokens.ts';

/** No usable token: the send waits (retryable) until someone sets one. */
export class TokenUnavailableError extends Error {
  /**
   * @param needsOperator true when only a person can fix it (no refresh token, refused or
   *   spent, no app secret): sends are parked; false for a passing failure (network, 5xx).
   */
  constructor(
    message: string,
    readonly needsOperator = false,
  ) {
    super(message);
    this.name = 'TokenUnavailableError';
  }
}

export interface TokenManagerOptions {
  store: ZaloTokenStore;
  appId?: string;
  appSecret?: string;
  /** e.g. https://oauth.zaloapp.com */
  oauthBaseUrl: string;
  logger: Logger;
  /** Refresh when the access token has less than this left (default 10 minutes). */
  marginMs?: number;
  /** How often the background check runs (default 1 minute). */
  checkEveryMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** Lifetime assumed when Zalo's answer has no usable `expires_in` (about 25 hours documented). */
const DEFAULT_EXPIRES_S = 90_000;

export const SET_REFRESH_COMMAND = 'npm run zalo:token -- --set-refresh <refresh_token>';

export class ZaloTokenManager {
  private inflight: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The refresh token Zalo refused: not tried again until a different one is stored. */
  private refusedToken: string | undefined;
  /** The refresh token whose refresh answer was lost (network error after sending). */
  private answerLostFor: string | undefined;
  private readonly now: () => number;
  private readonly marginMs: number;

  constructor(private readonly options: TokenManagerOptions) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? 10 * 60_000;
  }

  /** Background refresh before expiry, so a quiet OA still has a fresh pair. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const pair = this.options.store.get();
      if (pair?.refreshToken && pair.accessExpiresAt !== undefined && pair.accessExpiresAt - this.now() < this.marginMs) {
        this.refresh().catch(() => undefined); // already logged by refresh()
      }
    }, this.options.checkEveryMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * An access token good for a while: the stored one, or a fresh one when it is missing or
   * about to expire. Falls back to the stored one if a refresh fails before it has expired.
   */
  async accessToken(): Promise<string> {
    const pair = this.options.store.get();
    const now = this.now();
    const fresh = pair?.accessToken && (pair.accessExpiresAt === undefined || pair.accessExpiresAt - now > this.marginMs);
    if (fresh) return pair.accessToken!;
    try {
      return await this.refresh();
    } catch (error) {
      if (pair?.accessToken && pair.accessExpiresAt !== undefined && pair.accessExpiresAt > now) return pair.accessToken;
      throw error;
    }
  }

  /**
   * Zalo rejected `rejected` (-216/-220): refresh, unless another send already did and
   * stored a different token, which is then used.
   */
  async refreshAfterReject(rejected: string): Promise<string> {
    if (this.inflight) return this.inflight;
    const pair = this.options.store.get();
    if (pair?.accessToken && pair.accessToken !== rejected) return pair.accessToken;
    return this.refresh();
  }

  /** One refresh at a time: concurrent callers share the same promise. */
  refresh(): Promise<string> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doRefresh(): Promise<string> {
    const { store, logger, appId, appSecret } = this.options;
    const pair = store.get();
    if (!pair?.refreshToken) {
      throw new TokenUnavailableError(`no OA refresh token stored: get one from the Zalo developer console and run ${SET_REFRESH_COMMAND}`, true);
    }
    if (!appId || !appSecret) throw new TokenUnavailableError('ZALO_APP_ID and ZALO_APP_SECRET are needed to refresh the OA token', true);
    if (pair.refreshToken === this.refusedToken || pair.refreshDead) {
      throw new TokenUnavailableError(`the OA refresh token was refused by Zalo; run ${SET_REFRESH_COMMAND}`, true);
    }
    const url = `${this.options.oauthBaseUrl.replace(/\/+$/, '')}/v4/oa/access_token`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { secret_key: appSecret, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ refresh_token: pair.refreshToken, app_id: appId, grant_type: 'refresh_token' }).toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const message = `OA token refresh failed (network): ${error instanceof Error ? error.message : String(error)}; will retry`;
      // Zalo may have rotated the pair before the answer was lost: the next refresh then finds the token spent.
      this.answerLostFor = pair.refreshToken;
      logger.warn(message);
      throw new TokenUnavailableError(message);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429) {
      this.answerLostFor = pair.refreshToken;
      logger.warn(`OA token refresh failed (HTTP ${res.status}); will retry`);
      throw new TokenUnavailableError(`OA token refresh failed: HTTP ${res.status}`);
    }
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* handled below as a refusal without detail */
    }
    // Some versions nest the answer under `data`.
    const data = (typeof json.data === 'object' && json.data !== null ? json.data : json) as Record<string, unknown>;
    const access = typeof data.access_token === 'string' ? data.access_token : undefined;
    const refresh = typeof data.refresh_token === 'string' ? data.refresh_token : undefined;
    if (!access || !refresh) {
      this.refusedToken = pair.refreshToken;
      store.markRefreshDead();
      const detail = [json.error, json.error_name, json.error_description, json.message].filter((v) => v !== undefined).join(' ');
      const spent = this.answerLostFor === pair.refreshToken;
      this.answerLostFor = undefined;
      logger.error(
        (spent
          ? 'Zalo OA: refresh token ĐÃ BỊ DÙNG (spent) — lần làm mới trước mất câu trả lời sau khi Zalo đã đổi cặp token, nên token cũ không còn giá trị. '
          : '') +
          `Zalo OA: làm mới token thất bại — refresh token đã hết hạn, đã dùng hoặc sai (Zalo: ${detail || `HTTP ${res.status}`}). ` +
          `Cần làm (what to do): vào Zalo for Developers → ứng dụng → Official Account → lấy lại mã (cấp quyền lại cho OA), rồi chạy: ${SET_REFRESH_COMMAND}. ` +
          'Tin nhắn trả lời vẫn được giữ trong hàng đợi và sẽ gửi khi có token mới.',
      );
      throw new TokenUnavailableError(spent ? 'the OA refresh token is spent (a refresh answer was lost); re-authorise the OA' : 'the OA refresh token was refused by Zalo', true);
    }
    const expiresIn = Number(data.expires_in);
    const seconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_S;
    // Persist the new pair before anyone uses the new access token: the old refresh token is spent.
    store.save({ accessToken: access, refreshToken: refresh, accessExpiresAt: this.now() + seconds * 1000, source: 'refresh' });
    this.refusedToken = undefined;
    // The answer's shape is UNCONFIRMED between sources: say which one this Zalo sent.
    logger.info(`Zalo OA: token refreshed, valid for ${Math.round(seconds / 3600)} h (answer ${data === json ? 'at top level' : 'nested under "data"'})`);
    return access;
  }
}
