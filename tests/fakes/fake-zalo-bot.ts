/**
 * A fake Zalo Bot Platform on 127.0.0.1: `POST /bot<TOKEN>/<method>` answering
 * `{ok:true,result}` or `{ok:false,error_code,description}` like the real one, recording
 * sendMessage, sendChatAction and setWebhook calls.
 */
import { startFakeHttp, sendJson, type Failure } from './http-fake.ts';

export interface FakeZaloBot {
  baseUrl: string;
  messages: Array<{ chatId: string; text: string }>;
  chatActions: Array<{ chatId: string; action: string }>;
  webhooks: Array<{ url: string; secretToken: string }>;
  /** Failures sendMessage plays, in order, before answering normally. */
  sendFailures: Failure[];
  textsFor(chatId: string): string[];
  close(): Promise<void>;
}

export async function startFakeZaloBot(options: { token: string }): Promise<FakeZaloBot> {
  const messages: FakeZaloBot['messages'] = [];
  const chatActions: FakeZaloBot['chatActions'] = [];
  const webhooks: FakeZaloBot['webhooks'] = [];
  const prefix = `/bot${options.token}/`;
  const http = await startFakeHttp(
    (req, res) => {
      if (req.method !== 'POST' || !req.path.startsWith(prefix)) {
        sendJson(res, { ok: false, error_code: 401, description: 'Unauthorized' }, 401);
        return;
      }
      const method = req.path.slice(prefix.length);
      let params: Record<string, unknown> = {};
      try {
        params = req.raw ? (JSON.parse(req.raw) as Record<string, unknown>) : {};
      } catch {
        sendJson(res, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' }, 400);
        return;
      }
      switch (method) {
        case 'getMe':
          sendJson(res, { ok: true, result: { id: 'bot-1', account_name: 'bot.test', display_name: 'Trợ lý thử', is_bot: true } });
          return;
        case 'setWebhook':
          webhooks.push({ url: String(params.url), secretToken: String(params.secret_token) });
          sendJson(res, { ok: true, result: { url: params.url, updated_at: Date.now() } });
          return;
        case 'getWebhookInfo':
          sendJson(res, { ok: true, result: { url: webhooks.at(-1)?.url ?? '' } });
          return;
        case 'deleteWebhook':
          sendJson(res, { ok: true, result: true });
          return;
        case 'sendChatAction':
          chatActions.push({ chatId: String(params.chat_id), action: String(params.action) });
          sendJson(res, { ok: true, result: true });
          return;
        case 'sendMessage': {
          const text = typeof params.text === 'string' ? params.text : '';
          if (!params.chat_id || text.length < 1 || text.length > 2000) {
            sendJson(res, { ok: false, error_code: 400, description: 'Bad Request: text must be 1-2000 characters' }, 400);
            return;
          }
          messages.push({ chatId: String(params.chat_id), text });
          sendJson(res, { ok: true, result: { message_id: `bm${messages.length}`, date: Date.now() } });
          return;
        }
        default:
          sendJson(res, { ok: false, error_code: 404, description: 'Not Found' }, 404);
      }
    },
    (req) => req.path.endsWith('/sendMessage'),
  );
  return {
    baseUrl: http.baseUrl,
    messages,
    chatActions,
    webhooks,
    sendFailures: http.failures,
    textsFor: (chatId) => messages.filter((m) => m.chatId === chatId).map((m) => m.text),
    close: http.close,
  };
}
