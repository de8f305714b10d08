/**
 * Webhook events as Zalo sends them (zalo-platform.md), signed the documented way, for tests
 * and the benchmark: `X-ZEvent-Signature: mac=sha256(app_id + rawBody + timestamp + secret)`.
 */
import { createHash } from 'node:crypto';

export const TEST_APP_ID = '1234567890123456789';
export const TEST_OA_ID = '579745863508352884';

let seq = 0;
/** A msg_id like Zalo's: a long string of digits, unique per call. */
export function newMsgId(): string {
  seq += 1;
  return `${Date.now()}${String(seq).padStart(6, '0')}${Math.floor(Math.random() * 1e6)}`;
}

export function textEvent(o: { userId: string; text: string; msgId?: string; timestamp?: string }): Record<string, unknown> {
  return {
    app_id: TEST_APP_ID,
    user_id_by_app: `app-${o.userId}`,
    event_name: 'user_send_text',
    timestamp: o.timestamp ?? String(Date.now()),
    sender: { id: o.userId },
    recipient: { id: TEST_OA_ID },
    message: { text: o.text, msg_id: o.msgId ?? newMsgId() },
  };
}

export function mediaEvent(o: { userId: string; kind: 'image' | 'sticker'; msgId?: string }): Record<string, unknown> {
  return {
    app_id: TEST_APP_ID,
    event_name: `user_send_${o.kind}`,
    timestamp: String(Date.now()),
    sender: { id: o.userId },
    recipient: { id: TEST_OA_ID },
    message: { msg_id: o.msgId ?? newMsgId(), attachments: [{ type: o.kind, payload: { url: 'https://example.invalid/x.jpg' } }] },
  };
}

export function followEvent(o: { userId: string }): Record<string, unknown> {
  return { app_id: TEST_APP_ID, oa_id: TEST_OA_ID, event_name: 'follow', source: 'oa_profile', timestamp: String(Date.now()), follower: { id: o.userId }, user_id_by_app: `app-${o.userId}` };
}

/** The OA's own message echoed back (sender and recipient swapped). */
export function echoEvent(o: { userId: string; text: string }): Record<string, unknown> {
  return { ...textEvent({ userId: TEST_OA_ID, text: o.text }), event_name: 'oa_send_text', recipient: { id: o.userId } };
}

export function signBody(raw: string, o: { appId?: string; secret: string; timestamp: string }): string {
  return 'mac=' + createHash('sha256').update((o.appId ?? TEST_APP_ID) + raw + o.timestamp + o.secret, 'utf8').digest('hex');
}

/** Serialises and signs an event; returns what to POST. */
export function signedRequest(event: Record<string, unknown>, secret: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  const timestamp = String(event.timestamp ?? '');
  return { body, headers: { 'content-type': 'application/json', 'x-zevent-signature': signBody(body, { secret, timestamp }) } };
}

/** A Bot Platform update, bare or wrapped as {ok,result}. */
export function botTextUpdate(o: { chatId: string; text: string; messageId?: string; wrapped?: boolean }): Record<string, unknown> {
  const update = {
    event_name: 'message.text.received',
    message: {
      from: { id: o.chatId, display_name: 'Người dùng thử', is_bot: false },
      chat: { id: o.chatId, chat_type: 'PRIVATE' },
      text: o.text,
      message_id: o.messageId ?? newMsgId(),
      date: Date.now(),
    },
  };
  return o.wrapped ? { ok: true, result: update } : update;
}
