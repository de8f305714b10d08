/**
 * A small typed client for the Zalo Bot Platform (Telegram-like): POST JSON to
 * `{base}/bot<TOKEN>/<method>`, answers `{ok:true,result}` or `{ok:false,error_code,description}`.
 * The token sits in the URL path, so URLs are never logged or put in error messages.
 */

export interface BotUser {
  id: string;
  display_name?: string;
  account_name?: string;
  is_bot?: boolean;
}

export interface WebhookInfo {
  url?: string;
  updated_at?: number;
  [key: string]: unknown;
}

/** Parameters and results of the methods this assistant uses. */
export interface BotMethods {
  getMe: { params: Record<string, never>; result: BotUser };
  setWebhook: { params: { url: string; secret_token: string }; result: unknown };
  deleteWebhook: { params: Record<string, never>; result: unknown };
  getWebhookInfo: { params: Record<string, never>; result: WebhookInfo };
  sendMessage: { params: { chat_id: string; text: string }; result: unknown };
  sendChatAction: { params: { chat_id: string; action: 'typing' | 'upload_photo' }; result: unknown };
}

export class ZaloBotApiError extends Error {
  constructor(
    message: string,
    /** Network trouble, 408, 429 and 5xx are worth retrying; 400/401/403/404 are not. */
    readonly retryable: boolean,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = 'ZaloBotApiError';
  }
}

export interface BotClientOptions {
  token: string;
  /** e.g. https://bot-api.zaloplatforms.com (the older bot-api.zapps.me also appears in SDKs). */
  apiBaseUrl: string;
  timeoutMs?: number;
}

const RETRYABLE_CODES = new Set([408, 429]);

export class ZaloBotClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: BotClientOptions) {
    this.base = options.apiBaseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Calls one method.
   * @example await bot.call('sendMessage', { chat_id: '123', text: 'Dạ, em chào anh/chị!' })
   */
  async call<M extends keyof BotMethods>(method: M, params: BotMethods[M]['params']): Promise<BotMethods[M]['result']> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/bot${this.options.token}/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // The fetch error may quote the URL (and so the token): keep only its kind.
      const kind = error instanceof Error ? error.name : 'Error';
      throw new ZaloBotApiError(`${method}: network error (${kind})`, true);
    }
    const text = await res.text().catch(() => '');
    let json: { ok?: unknown; result?: unknown; error_code?: unknown; description?: unknown } | undefined;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = undefined;
    }
    if (json?.ok === true) return json.result as BotMethods[M]['result'];
    const code = typeof json?.error_code === 'number' ? json.error_code : res.status;
    const description = typeof json?.description === 'string' ? `: ${json.description}` : '';
    const retryable = code >= 500 || RETRYABLE_CODES.has(code) || (json === undefined && res.status >= 500);
    throw new ZaloBotApiError(`${method} failed (${code})${description}`, retryable, code);
  }

  getMe(): Promise<BotUser> {
    return this.call('getMe', {});
  }

  setWebhook(url: string, secretToken: string): Promise<unknown> {
    return this.call('setWebhook', { url, secret_token: secretToken });
  }

  deleteWebhook(): Promise<unknown> {
    return this.call('deleteWebhook', {});
  }

  getWebhookInfo(): Promise<WebhookInfo> {
    return this.call('getWebhookInfo', {});
  }

  sendMessage(chatId: string, text: string): Promise<unknown> {
    return this.call('sendMessage', { chat_id: chatId, text });
  }

  sendChatAction(chatId: string, action: 'typing' = 'typing'): Promise<unknown> {
    return this.call('sendChatAction', { chat_id: chatId, action });
  }
}
