/**
 * Zod schemas for Zalo Bot Platform webhook updates, bare or wrapped as `{ok:true,result}`
 * (UNCONFIRMED which one Zalo sends: both are accepted, and the form seen is reported), and
 * their translation to the internal IncomingMessage.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncomingMessage } from '../../core/messages.ts';

const Id = z.union([z.string().min(1), z.number()]).transform((v) => String(v));

export const BotMessageSchema = z
  .object({
    from: z.object({ id: Id, display_name: z.string().optional(), is_bot: z.boolean().optional() }).passthrough(),
    chat: z.object({ id: Id, chat_type: z.string().optional() }).passthrough(),
    text: z.string().optional(),
    message_id: Id.optional(),
    date: z.union([z.number(), z.string()]).optional(),
  })
  .passthrough();

export const BotUpdateSchema = z.object({ event_name: z.string().min(1), message: BotMessageSchema.optional() }).passthrough();
export type BotUpdate = z.infer<typeof BotUpdateSchema>;

const WrappedSchema = z.object({ ok: z.literal(true), result: z.unknown() }).passthrough();

export type BotUpdateOutcome =
  | { kind: 'message'; eventKey: string; message: IncomingMessage; form: 'bare' | 'wrapped' }
  | { kind: 'ignored'; reason: string; form: 'bare' | 'wrapped' }
  | { kind: 'invalid'; reason: string };

const MEDIA: Record<string, 'image' | 'sticker' | 'other'> = {
  'message.image.received': 'image',
  'message.sticker.received': 'sticker',
  'message.unsupported.received': 'other',
};

/** Unwraps, validates and translates one update. */
export function classifyBotUpdate(body: unknown, receivedAt: number): BotUpdateOutcome {
  const wrapped = WrappedSchema.safeParse(body);
  const form = wrapped.success ? 'wrapped' : 'bare';
  const parsed = BotUpdateSchema.safeParse(wrapped.success ? wrapped.data.result : body);
  if (!parsed.success) {
    return { kind: 'invalid', reason: `not a Zalo Bot update: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}` };
  }
  const { event_name: name, message } = parsed.data;
  if (!name.startsWith('message.')) return { kind: 'ignored', reason: `${name}: not answered`, form };
  if (!message) return { kind: 'invalid', reason: `${name} without a message` };
  if (message.from.is_bot) return { kind: 'ignored', reason: 'message from a bot', form };
  const chatId = message.chat.id;
  const eventKey = message.message_id !== undefined ? `msg:${message.message_id}` : derivedKey(name, message, receivedAt);
  const messageId = message.message_id;
  if (name === 'message.text.received') {
    return { kind: 'message', eventKey, form, message: { type: 'text', channel: 'zalo-bot', userId: chatId, text: message.text ?? '', messageId, receivedAt } };
  }
  const mediaKind = MEDIA[name];
  if (mediaKind) {
    return { kind: 'message', eventKey, form, message: { type: 'media', channel: 'zalo-bot', userId: chatId, mediaKind, messageId, receivedAt } };
  }
  return { kind: 'ignored', reason: `${name}: not answered`, form };
}

/**
 * A dedupe key for an update without `message_id`, from what it does carry: the chat, the
 * sender, the event, the text (or the rest of the message) and `date`. Without a `date` either,
 * a retry cannot be told from the same words sent again, so the minute of receipt stands in for
 * it: an identical message repeated within the same minute counts as a retry.
 */
function derivedKey(name: string, message: z.infer<typeof BotMessageSchema>, receivedAt: number): string {
  const { message_id: _id, date, ...rest } = message;
  const content = createHash('sha256').update(JSON.stringify([name, rest])).digest('base64url').slice(0, 22);
  const when = date !== undefined ? `d${String(date)}` : `m${Math.floor(receivedAt / 60_000)}`;
  return `derived:${message.chat.id}:${when}:${content}`;
}
