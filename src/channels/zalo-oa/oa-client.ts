/**
 * The OA customer-service send API (`POST /v3.0/oa/message/cs`). Zalo answers HTTP 200 even
 * for failures; the `error` field decides: token problems, retryable ones (rate limit,
 * server trouble, network) and permanent ones — each wrapped with what to do about it.
 */

/** How the outbox should treat a failed call. */
export type OaErrorKind = 'token' | 'retryable' | 'quota' | 'unknown' | 'permanent';

/** What each known error code means for whoever reads the log. */
const KNOWN_ERRORS: Record<number, { kind: OaErrorKind; meaning: string }> = {
  [-216]: { kind: 'token', meaning: 'access token invalid: refreshing the OA token' },
  [-220]: { kind: 'token', meaning: 'access token expired: refreshing the OA token' },
  [-32]: { kind: 'retryable', meaning: 'rate limited by Zalo: retrying with backoff' },
  [-211]: { kind: 'quota', meaning: "the OA's message quota is exhausted: replies wait until it resets" },
  [-201]: { kind: 'permanent', meaning: 'bad parameter: the message was rejected (a bug in rendering?)' },
  [-213]: { kind: 'permanent', meaning: 'the user does not follow the OA' },
  [-227]: { kind: 'permanent', meaning: 'the user is inactive or banned' },
  [-230]: { kind: 'permanent', meaning: 'no interaction from the user in the last 7 days: customer-service replies are not allowed' },
  [-232]: { kind: 'permanent', meaning: 'no interaction from the user in the last 7 days: customer-service replies are not allowed' },
  [-244]: { kind: 'permanent', meaning: 'the user restricted this message type' },
};

export class ZaloOaError extends Error {
  constructor(
    message: string,
    readonly kind: OaErrorKind,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ZaloOaError';
  }
}

export interface OaClientOptions {
  /** e.g. https://openapi.zalo.me (no trailing slash needed). */
  apiBaseUrl: string;
  timeoutMs?: number;
}

export class ZaloOaClient {
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(options: OaClientOptions) {
    this.url = `${options.apiBaseUrl.replace(/\/+$/, '')}/v3.0/oa/message/cs`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Sends one customer-service message body.
   * @throws ZaloOaError with the kind of failure
   * @example await client.sendCs(token, { recipient: { user_id: '123' }, message: { text: 'Dạ…' } })
   */
  async sendCs(accessToken: string, body: unknown): Promise<{ messageId?: string }> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { access_token: accessToken, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ZaloOaError(`network error calling the OA send API: ${error instanceof Error ? error.message : String(error)}`, 'retryable');
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429) throw new ZaloOaError(`OA send API answered HTTP ${res.status}`, 'retryable');
    if (res.status !== 200) throw new ZaloOaError(`OA send API answered HTTP ${res.status}: check ZALO_API_BASE_URL`, 'permanent');
    let json: { error?: unknown; message?: unknown; data?: { message_id?: unknown } };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new ZaloOaError('OA send API answered something that is not JSON', 'retryable');
    }
    const code = Number(json.error ?? 0);
    if (code === 0) {
      const id = json.data?.message_id;
      return { messageId: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined };
    }
    const known = KNOWN_ERRORS[code];
    const zaloSays = typeof json.message === 'string' ? ` (Zalo: ${json.message})` : '';
    if (known) throw new ZaloOaError(`error ${code}: ${known.meaning}${zaloSays}`, known.kind, code);
    // Unknown codes: not known to be final, so retried with backoff a bounded number of times, loudly.
    throw new ZaloOaError(`error ${code} (not in the documented table)${zaloSays}`, 'unknown', code);
  }
}
