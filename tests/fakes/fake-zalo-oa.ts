/**
 * A fake Zalo OA on 127.0.0.1: the customer-service send API (`/v3.0/oa/message/cs`, checking
 * the bare `access_token` header) and the OAuth v4 token endpoint (`/v4/oa/access_token`,
 * single-use refresh tokens). It records every delivered message so tests can count lost
 * and duplicated replies, and plays scripted failures (-32, 5xx, hangs, resets).
 */
import { startFakeHttp, sendJson, type Failure, type FakeRequest } from './http-fake.ts';

export interface DeliveredMessage {
  userId: string;
  text: string;
  buttons?: Array<{ title: string; type: string; payload: unknown }>;
  token: string;
  at: number;
}

export interface FakeZaloOaOptions {
  appId: string;
  appSecret: string;
  /** Access tokens accepted from the start. */
  accessTokens?: string[];
  /** Refresh tokens that can be exchanged (each once). */
  refreshTokens?: string[];
  /** Answer the token endpoint with the pair nested under `data` (a variant seen in the wild). */
  nestTokenUnderData?: boolean;
  /** Lifetime the token endpoint announces, in seconds (a string, as Zalo sends it). */
  expiresIn?: string;
}

export interface FakeZaloOa {
  /** Both the API and the OAuth base URL. */
  baseUrl: string;
  delivered: DeliveredMessage[];
  /** Every call to the send API, delivered or not. */
  sendCalls(): number;
  tokenCalls: Array<{ refreshToken: string; appId: string; secretKey: string; grantType: string }>;
  /** Failures the send API plays, in order, before answering normally. */
  sendFailures: Failure[];
  validAccessTokens: Set<string>;
  validRefreshTokens: Set<string>;
  /** Makes an access token stale (as after 25 hours). */
  expire(token: string): void;
  textsFor(userId: string): string[];
  close(): Promise<void>;
}

export async function startFakeZaloOa(options: FakeZaloOaOptions): Promise<FakeZaloOa> {
  let issued = 0;
  const state = {
    delivered: [] as DeliveredMessage[],
    tokenCalls: [] as FakeZaloOa['tokenCalls'],
    validAccessTokens: new Set(options.accessTokens ?? []),
    validRefreshTokens: new Set(options.refreshTokens ?? []),
  };
  const isSend = (req: FakeRequest) => req.path.startsWith('/v3.0/oa/message/cs');
  const http = await startFakeHttp((req, res) => {
    if (req.method === 'POST' && isSend(req)) {
      const token = String(req.headers['access_token'] ?? '');
      if (!state.validAccessTokens.has(token)) {
        sendJson(res, { error: -216, message: 'Access token is invalid' });
        return;
      }
      let body: { recipient?: { user_id?: string }; message?: { text?: string; attachment?: { payload?: { buttons?: DeliveredMessage['buttons'] } } } };
      try {
        body = JSON.parse(req.raw) as typeof body;
      } catch {
        sendJson(res, { error: -201, message: 'Parameters are invalid' });
        return;
      }
      const userId = body.recipient?.user_id;
      const text = body.message?.text;
      if (!userId || typeof text !== 'string' || text.length === 0 || text.length > 2000) {
        sendJson(res, { error: -201, message: 'Parameters are invalid' });
        return;
      }
      state.delivered.push({ userId, text, buttons: body.message?.attachment?.payload?.buttons, token, at: Date.now() });
      sendJson(res, { error: 0, message: 'Success', data: { message_id: `m${state.delivered.length}`, user_id: userId } });
      return;
    }
    if (req.method === 'POST' && req.path.startsWith('/v4/oa/access_token')) {
      const form = new URLSearchParams(req.raw);
      const call = {
        refreshToken: form.get('refresh_token') ?? '',
        appId: form.get('app_id') ?? '',
        secretKey: String(req.headers['secret_key'] ?? ''),
        grantType: form.get('grant_type') ?? '',
      };
      state.tokenCalls.push(call);
      if (call.secretKey !== options.appSecret || call.appId !== options.appId || call.grantType !== 'refresh_token') {
        sendJson(res, { error: -14002, error_name: 'Invalid app', error_description: 'app_id or secret_key is wrong' });
        return;
      }
      if (!state.validRefreshTokens.delete(call.refreshToken)) {
        sendJson(res, { error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token is invalid or used' });
        return;
      }
      issued += 1;
      const pair = { access_token: `access-${issued}`, refresh_token: `refresh-${issued}`, expires_in: options.expiresIn ?? '90000' };
      state.validAccessTokens.add(pair.access_token);
      state.validRefreshTokens.add(pair.refresh_token);
      sendJson(res, options.nestTokenUnderData ? { error: 0, data: pair } : pair);
      return;
    }
    sendJson(res, { error: 404, message: `no such endpoint ${req.path}` }, 404);
  }, isSend);

  return {
    baseUrl: http.baseUrl,
    get delivered() {
      return state.delivered;
    },
    sendCalls: http.matchedCalls,
    get tokenCalls() {
      return state.tokenCalls;
    },
    sendFailures: http.failures,
    validAccessTokens: state.validAccessTokens,
    validRefreshTokens: state.validRefreshTokens,
    expire: (token) => void state.validAccessTokens.delete(token),
    textsFor: (userId) => state.delivered.filter((d) => d.userId === userId).map((d) => d.text),
    close: http.close,
  };
}
