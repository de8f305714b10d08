/**
 * The one message pair every channel translates to and from. Dialogue code never sees a
 * Zalo field; channels never decide what to answer.
 */
import { z } from 'zod';

export const ChannelSchema = z.enum(['web', 'cli', 'zalo-oa', 'zalo-bot']);
export type Channel = z.infer<typeof ChannelSchema>;

export const IncomingMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    channel: ChannelSchema,
    userId: z.string().min(1),
    text: z.string(),
    /** Channel message id, for deduplication. */
    messageId: z.string().optional(),
    receivedAt: z.number(),
  }),
  z.object({
    type: z.literal('media'),
    channel: ChannelSchema,
    userId: z.string().min(1),
    mediaKind: z.enum(['image', 'sticker', 'gif', 'file', 'audio', 'video', 'location', 'link', 'other']),
    caption: z.string().optional(),
    messageId: z.string().optional(),
    receivedAt: z.number(),
  }),
  z.object({
    type: z.literal('follow'),
    channel: ChannelSchema,
    userId: z.string().min(1),
    receivedAt: z.number(),
  }),
]);
export type IncomingMessage = z.infer<typeof IncomingMessageSchema>;

export const ButtonSchema = z.discriminatedUnion('kind', [
  /** Sends `payload` back as if the user typed it. */
  z.object({ kind: z.literal('postback'), title: z.string().min(1).max(100), payload: z.string().min(1).max(1000) }),
  z.object({ kind: z.literal('url'), title: z.string().min(1).max(100), url: z.string().url() }),
  z.object({ kind: z.literal('phone'), title: z.string().min(1).max(100), phone: z.string().min(3) }),
]);
export type Button = z.infer<typeof ButtonSchema>;

export const SourceRefSchema = z.object({
  doc: z.string(),
  /** Citation-ready short name of the document. */
  title: z.string(),
  section: z.string(),
  date: z.string(),
  lines: z.string().optional(),
  /** Where to read it online (a change's legal act or press report). */
  url: z.string().optional(),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

export const OutgoingMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1) }),
  z.object({ type: z.literal('buttons'), text: z.string().min(1), buttons: z.array(ButtonSchema).min(1).max(6) }),
]);
export type OutgoingMessage = z.infer<typeof OutgoingMessageSchema>;

/** What the dialogue produces for one incoming message. */
export interface Reply {
  messages: OutgoingMessage[];
  intent: string;
  sources: SourceRef[];
  confidence: number;
  /**
   * What the question asked (documents, attributes, year, agencies), for `ask --json` and the
   * logs; channels do not render it. Structural type: src/nlu/question-frame.ts.
   */
  frame?: { docIds: string[]; attributes: string[]; counted?: string; years: string[]; agencyIds: string[] };
  /** The logged turn this reply answers (feedback refers to it); set on the web and Zalo channels. */
  messageId?: string;
  /** The reply is an answer worth a 👍/👎 (the web chat shows them). */
  askFeedback?: boolean;
}

/** The text a person reads, including buttons as a numbered list for channels that cannot draw them. */
export function replyText(reply: Reply): string {
  return reply.messages.map((m) => m.text).join('\n\n');
}

/**
 * Buttons as text for channels that cannot draw them: choices (postbacks) are numbered, so a
 * typed "2" picks the second choice; links and phone numbers are listed as they are.
 */
export function numberedChoices(buttons: readonly Button[]): string {
  let n = 0;
  return buttons
    .map((b) => {
      if (b.kind === 'postback') return `${++n}. ${b.title}`;
      if (b.kind === 'url') return `– ${b.title}: ${b.url}`;
      return `– ${b.title}: ${b.phone}`;
    })
    .join('\n');
}
