/**
 * Zod schemas for the OA webhook events (zalo-platform.md §1) and their translation to the
 * one internal IncomingMessage. Ids stay strings. Events the assistant does not answer
 * (echoes of the OA's own messages, receipts, unfollows…) are classified as ignorable.
 */
import { z } from 'zod';
import type { IncomingMessage } from '../../core/messages.ts';

/** Ids exceed 2^53: Zalo sends strings; a number is accepted defensively and kept as text. */
const Id = z.union([z.string().min(1), z.number()]).transform((v) => String(v));
const Party = z.object({ id: Id }).passthrough();

const Common = {
  app_id: Id.optional(),
  timestamp: Id.optional(),
  user_id_by_app: Id.optional(),
};

export const MEDIA_EVENTS = {
  user_send_image: 'image',
  user_send_gif: 'gif',
  user_send_sticker: 'sticker',
  user_send_file: 'file',
  user_send_audio: 'audio',
  user_send_video: 'video',
  user_send_location: 'location',
  user_send_link: 'link',
} as const;
type MediaEventName = keyof typeof MEDIA_EVENTS;

export const UserSendTextSchema = z
  .object({
    event_name: z.literal('user_send_text'),
    sender: Party,
    recipient: Party,
    message: z.object({ msg_id: Id, text: z.string() }).passthrough(),
    ...Common,
  })
  .passthrough();

export const UserSendMediaSchema = z
  .object({
    event_name: z.enum(Object.keys(MEDIA_EVENTS) as [MediaEventName, ...MediaEventName[]]),
    sender: Party,
    recipient: Party,
    message: z
      .object({
        msg_id: Id,
        text: z.string().optional(),
        attachments: z.array(z.object({ type: z.string().optional(), payload: z.unknown().optional() }).passthrough()).optional(),
      })
      .passthrough(),
    ...Common,
  })
  .passthrough();

export const FollowSchema = z
  .object({ event_name: z.enum(['follow', 'unfollow']), follower: Party, oa_id: Id.optional(), source: z.string().optional(), ...Common })
  .passthrough();

/** The answer to a `request_user_info` message: the shape of `info` varies, so it stays loose. */
export const UserSubmitInfoSchema = z
  .object({ event_name: z.literal('user_submit_info'), sender: Party, info: z.record(z.string(), z.unknown()).optional(), ...Common })
  .passthrough();

export const EventEnvelopeSchema = z.object({ event_name: z.string().min(1) }).passthrough();

/** Events acknowledged and deliberately not answered (besides any `oa_send_*` echo). */
const IGNORED_EVENTS = new Set([
  'unfollow',
  'user_received_message',
  'user_seen_message',
  'user_reacted_message',
  'oa_reacted_message',
  'user_click_chatnow',
  'user_submit_info',
  'add_user_to_tag',
  'user_asking_product',
  'shop_has_order',
  'change_oa_daily_quota',
  'change_oa_template_tags',
  'change_template_quality',
  'change_template_quota',
  'change_template_status',
  'anonymous_send_text',
  'anonymous_send_image',
  'anonymous_send_file',
  'anonymous_send_sticker',
  'oa_send_anonymous_text',
]);

export type OaEventOutcome =
  | { kind: 'message'; eventKey: string; message: IncomingMessage }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Decides what to do with a verified event: a message to answer (with its deduplication
 * key), an event to acknowledge and ignore, or an event that does not match its schema.
 */
export function classifyOaEvent(body: unknown, receivedAt: number): OaEventOutcome {
  const envelope = EventEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { kind: 'invalid', reason: 'not a Zalo OA event: no event_name' };
  const name = envelope.data.event_name;
  if (name.startsWith('oa_send_')) return { kind: 'ignored', reason: `${name}: echo of the OA's own message` };

  if (name === 'user_send_text') {
    const e = UserSendTextSchema.safeParse(body);
    if (!e.success) return { kind: 'invalid', reason: issues(name, e.error) };
    return {
      kind: 'message',
      eventKey: `msg:${e.data.message.msg_id}`,
      message: { type: 'text', channel: 'zalo-oa', userId: e.data.sender.id, text: e.data.message.text, messageId: e.data.message.msg_id, receivedAt },
    };
  }
  if (name in MEDIA_EVENTS) {
    const e = UserSendMediaSchema.safeParse(body);
    if (!e.success) return { kind: 'invalid', reason: issues(name, e.error) };
    const caption = e.data.message.text?.trim();
    return {
      kind: 'message',
      eventKey: `msg:${e.data.message.msg_id}`,
      message: {
        type: 'media',
        channel: 'zalo-oa',
        userId: e.data.sender.id,
        mediaKind: MEDIA_EVENTS[e.data.event_name],
        ...(caption ? { caption } : {}),
        messageId: e.data.message.msg_id,
        receivedAt,
      },
    };
  }
  if (name === 'follow') {
    const e = FollowSchema.safeParse(body);
    if (!e.success) return { kind: 'invalid', reason: issues(name, e.error) };
    // No msg_id on follow: the follower and the event time identify a retry.
    return {
      kind: 'message',
      eventKey: `follow:${e.data.follower.id}:${e.data.timestamp ?? ''}`,
      message: { type: 'follow', channel: 'zalo-oa', userId: e.data.follower.id, receivedAt },
    };
  }
  if (name === 'user_submit_info') {
    const e = UserSubmitInfoSchema.safeParse(body);
    return e.success ? { kind: 'ignored', reason: 'user_submit_info: not requested by this assistant' } : { kind: 'invalid', reason: issues(name, e.error) };
  }
  if (IGNORED_EVENTS.has(name)) return { kind: 'ignored', reason: `${name}: not answered` };
  return { kind: 'ignored', reason: `${name}: unknown event` };
}

function issues(name: string, error: z.ZodError): string {
  return `${name} does not match its schema: ${error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`;
}
