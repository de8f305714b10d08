/**
 * The dialogue core: one context per incoming message, a keyed map from intent to handler
 * with a required fallback, and one error boundary. Channels call `handle` and render the
 * Reply; nothing here knows about Zalo or HTTP.
 */
import type { AppConfig } from '../config.ts';
import type { Logger } from './logger.ts';
import { numberedChoices, replyText, type Button, type IncomingMessage, type OutgoingMessage, type Reply } from './messages.ts';
import { isIntentName, KNOWLEDGE_INTENTS, SOCIAL_INTENTS, type IntentName } from './intent-names.ts';
import type { IntentDefinition } from '../nlu/intents.ts';
import type { KnowledgeBase, SearchHit } from '../retrieval/knowledge-base.ts';
import type { ConversationRepository } from '../storage/conversation-repository.ts';
import { foldDiacritics, normalizeText } from '../nlu/vietnamese.ts';
import { confidenceOf } from '../answer/compose-answer.ts';
import type { MenuCatalog } from '../handlers/menu.ts';
import type { HandoffRecorder } from '../handlers/handoff-requests.ts';
import type { Chunk } from '../kb/types.ts';
import type { RecordLookup } from '../records/record-lookup.ts';
import type { Thesaurus } from '../nlu/thesaurus.ts';
import type { ProcedureCatalog } from '../tthc/procedure-catalog.ts';

export interface IntentPrediction {
  intent: string;
  confidence: number;
  ranking: Array<{ intent: string; score: number }>;
}

export interface Classifier {
  classify(text: string): IntentPrediction;
}

/** Per-user memory between turns (expires after `STATE_TTL_MS`). */
export interface ConversationState {
  /** Payloads of the last numbered choices, so "2" picks the second. */
  lastChoices?: string[];
  lastIntent?: string;
  lastQuery?: string;
  /** Code of the procedure (TTHC catalog) last shown, so "cần giấy tờ gì?" refers to it. */
  procedure?: string;
  /** The last answered question and the passages already shown, so "còn gì nữa?" shows the next ones. */
  more?: { query: string; intent: string; shown: Array<{ doc: string; lines?: string }> };
  /** Payload of the last reply's "Xem thêm" button (a paged list), which "còn gì nữa?" follows. */
  nextPage?: string;
}

/** "còn gì nữa?", "xem thêm", "tiếp": asks to continue the last answer (compared without diacritics). */
const MORE_REQUEST = /^(con (gi|j|nua|khong|ko)( nua| khac)?( khong| ko)?|xem them|xem tiep|tiep( theo| tuc| di)?|them nua|nua di)( a| ad| nhe| nha)?[\s?.!]*$/;

export const STATE_TTL_MS = 30 * 60_000;

export interface DialogueServices {
  kb: KnowledgeBase;
  /** The plans' appendix rows and targets as records, with agency lookups (undefined before the first build). */
  records?: RecordLookup;
  /** Abbreviations and synonyms, for reading slots such as the role asked about. */
  thesaurus: Thesaurus;
  classifier: Classifier;
  intents: ReadonlyMap<string, IntentDefinition>;
  menu: MenuCatalog;
  config: Pick<AppConfig, 'answer' | 'messageMaxChars' | 'officialChannel'>;
  conversations?: ConversationRepository;
  /** Where "gặp cán bộ" requests are recorded for staff. */
  handoffs?: HandoffRecorder;
  logger: Logger;
  /** The citizens' procedure catalog (knowledge/tthc). */
  procedures?: ProcedureCatalog;
  /**
   * Turns a short message that only makes sense in context ("mất bao lâu?") into the payload
   * it stands for, given the conversation state; undefined when it is not such a message.
   */
  followUps?: ReadonlyArray<(text: string, state: ConversationState) => string | undefined>;
  /** Multi-turn activities (the quiz) that see each text message first; see `Activity`. */
  activities?: Readonly<Record<string, Activity>>;
}

/**
 * A multi-turn activity (a quiz) whose own flow goes around the router: while it runs for a
 * user, "B", "2", "dừng" or a display name belong to it, and so do its "#quiz:…" payloads
 * and its entry commands ("thamgia 123456"). It keeps its own per-user state (in SQLite).
 */
export interface Activity {
  /** A reply when the message belongs to the activity; undefined lets normal routing answer. */
  intercept(ctx: TurnContext): Promise<Reply | undefined> | Reply | undefined;
  /** Answers the intent that names the activity ("thi thử", "quiz"). */
  open(ctx: TurnContext): Promise<Reply> | Reply;
}

/** What a turn may ask the dialogue to remember (merged into the conversation state). */
export type StateUpdate = Partial<Pick<ConversationState, 'procedure'>>;

/** A handler's reply, optionally with what to remember for the next turns. */
export type TurnReply = Reply & { remember?: StateUpdate };

/** Payload prefixes ("#tthc:…") owned by an intent's handler rather than the generic payload handler. */
const PAYLOAD_OWNERS: Readonly<Record<string, IntentName>> = { tthc: 'procedure_question' };

export interface TurnContext {
  message: IncomingMessage;
  /** The user's text, normalised (NFC, tone marks, spaces). Empty for media/follow. */
  text: string;
  prediction: IntentPrediction;
  /** Knowledge search results for the text (empty for payloads and social turns). */
  hits: SearchHit[];
  /** How well the best hit answers (0..1). */
  retrievalConfidence: number;
  state: ConversationState;
  services: DialogueServices;
}

export type Handler = (ctx: TurnContext) => Promise<TurnReply> | TurnReply;

/** Every intent has a handler (a missing key is a type error); `fallback` is required. */
export type HandlerMap = Record<IntentName, Handler> & { fallback: Handler; payload: Handler; media: Handler; follow: Handler; more: Handler };

/** How sure the classifier must be before a short social message gets its fixed reply. */
const SOCIAL_MIN_CONFIDENCE = 0.5;
/** Declining needs a confident classifier and weak evidence in the documents. */
const DECLINE_MIN_CONFIDENCE = 0.45;
const DECLINE_MAX_RETRIEVAL = 0.75;
/**
 * When the documents hold nothing on a question (retrieval below the answer threshold), a
 * weaker lean of the classifier towards out_of_scope is enough to decline politely.
 */
const DECLINE_MIN_CONFIDENCE_UNANSWERED = 0.28;

/**
 * Which passages hold the kind of fact an intent asks for: who leads a task, its budget and
 * deadline sit in the appendix tables; targets are written with a number.
 */
const NUMBER = /\d/;
const PASSAGE_PREFERENCE: Partial<Record<IntentName, (chunk: Chunk) => number>> = {
  lead_question: (c) => (c.kind === 'table_row' ? 1.6 : 1),
  agency_tasks_question: (c) => (c.kind === 'table_row' ? 1.6 : 1),
  target_question: (c) => (NUMBER.test(c.text) ? 1.3 : 1),
};

export class Dialogue {
  constructor(
    private readonly services: DialogueServices,
    private readonly handlers: HandlerMap,
  ) {}

  /**
   * Answers one message. Never throws: a bug becomes an apology and a log line.
   * @example const reply = await dialogue.handle({ type: 'text', channel: 'web', userId: 'u1', text: 'xin chào', receivedAt: Date.now() });
   */
  async handle(message: IncomingMessage): Promise<Reply> {
    const { conversations, logger } = this.services;
    const state = conversations?.loadState<ConversationState>(message.channel, message.userId, STATE_TTL_MS) ?? {};
    let reply: TurnReply;
    const turn = { text: '' };
    try {
      reply = await this.route(message, state, turn);
    } catch (error) {
      logger.error('dialogue failed', error instanceof Error ? { error: error.message, stack: error.stack } : { error: String(error) });
      reply = {
        messages: [{ type: 'text', text: 'Dạ, em xin lỗi, hệ thống đang gặp sự cố khi trả lời. Anh/chị vui lòng thử lại sau ít phút ạ.' }],
        intent: 'error',
        sources: [],
        confidence: 0,
      };
    }
    if (conversations && message.channel !== 'cli') {
      const now = Date.now();
      const inText = message.type === 'text' ? message.text : message.type === 'media' ? `[${message.mediaKind}]` : '[follow]';
      conversations.append({ channel: message.channel, userId: message.userId, direction: 'in', text: inText, createdAt: message.receivedAt });
      conversations.append({ channel: message.channel, userId: message.userId, direction: 'out', text: replyText(reply), intent: reply.intent, createdAt: now });
      conversations.saveState(message.channel, message.userId, nextState(state, reply, message, turn.text), now);
    }
    const { remember: _remember, ...shown } = reply;
    return shown;
  }

  /** `turn.text` receives the text actually routed (after a number picked a choice). */
  private async route(message: IncomingMessage, state: ConversationState, turn: { text: string }): Promise<TurnReply> {
    const base = { message, state, services: this.services, hits: [], retrievalConfidence: 0 };
    const noPrediction: IntentPrediction = { intent: 'none', confidence: 0, ranking: [] };
    if (message.type === 'follow') return this.handlers.follow({ ...base, text: '', prediction: noPrediction });
    if (message.type === 'media') return this.handlers.media({ ...base, text: message.caption ?? '', prediction: noPrediction });

    let text = normalizeText(message.text);
    if (text.length === 0) return this.handlers.help({ ...base, text, prediction: noPrediction });
    if (text.length > this.services.config.messageMaxChars) {
      return plainReply(
        `Dạ, tin nhắn của anh/chị dài quá (${text.length} ký tự, tối đa ${this.services.config.messageMaxChars}). Anh/chị vui lòng hỏi ngắn gọn từng câu một ạ.`,
        'too_long',
      );
    }
    // A running activity (a quiz) sees the message first: its answers and commands are its own.
    const claim = async (routed: string): Promise<Reply | undefined> => {
      for (const activity of Object.values(this.services.activities ?? {})) {
        const claimed = await activity.intercept({ ...base, text: routed, prediction: noPrediction });
        if (claimed) return claimed;
      }
      return undefined;
    };
    const claimed = await claim(text);
    if (claimed) return claimed;
    // A bare number picks one of the choices shown last time.
    const choice = /^\d{1,2}$/.test(text) ? state.lastChoices?.[Number(text) - 1] : undefined;
    if (choice) text = choice;
    // The choice picked may be an activity's own payload ("#quiz:start:…").
    const picked = choice ? await claim(text) : undefined;
    if (picked) return picked;
    turn.text = text;
    const wantsMore = MORE_REQUEST.test(foldDiacritics(text).toLowerCase());
    // A paged list continues with its own next page; otherwise the next passages of the last answer.
    if (wantsMore && state.nextPage) text = state.nextPage;
    else if (state.more && wantsMore) {
      return this.handlers.more({ ...base, text: state.more.query, prediction: noPrediction });
    }
    if (!text.startsWith('#')) {
      for (const resolve of this.services.followUps ?? []) {
        const payload = resolve(text, state);
        if (payload) {
          text = payload;
          break;
        }
      }
    }
    if (text.startsWith('#')) {
      const owner = PAYLOAD_OWNERS[/^#([a-z]+):/.exec(text)?.[1] ?? ''];
      return (owner ? this.handlers[owner] : this.handlers.payload)({ ...base, text, prediction: noPrediction });
    }

    const prediction = this.services.classifier.classify(text);
    const predicted = isIntentName(prediction.intent) ? prediction.intent : 'plan_question';
    const wordCount = text.split(/\s+/).length;
    if (SOCIAL_INTENTS.has(predicted) && prediction.confidence >= SOCIAL_MIN_CONFIDENCE && wordCount <= 8) {
      return this.handlers[predicted]({ ...base, text, prediction });
    }
    if ((predicted === 'handoff' || predicted === 'quiz') && prediction.confidence >= SOCIAL_MIN_CONFIDENCE) {
      return this.handlers[predicted]({ ...base, text, prediction });
    }

    const hits = await this.services.kb.search(text, { limit: 8, boost: PASSAGE_PREFERENCE[predicted] });
    const retrievalConfidence = confidenceOf(hits);
    const ctx: TurnContext = { ...base, text, prediction, hits, retrievalConfidence };
    const unanswered = retrievalConfidence < this.services.config.answer.minConfidence;
    const declineAt = unanswered ? DECLINE_MIN_CONFIDENCE_UNANSWERED : DECLINE_MIN_CONFIDENCE;
    if (predicted === 'out_of_scope' && prediction.confidence >= declineAt && retrievalConfidence < DECLINE_MAX_RETRIEVAL) {
      return this.handlers.out_of_scope(ctx);
    }
    return KNOWLEDGE_INTENTS.has(predicted) ? this.handlers[predicted](ctx) : this.handlers.fallback(ctx);
  }
}

export function plainReply(text: string, intent: string, confidence = 1): Reply {
  return { messages: [{ type: 'text', text }], intent, sources: [], confidence };
}

/**
 * A text with buttons. The numbered list keeps it usable where buttons are not drawn;
 * pass `numbered: false` when the text already numbers the choices.
 */
export function buttonsMessage(text: string, buttons: Button[], numbered = true): OutgoingMessage {
  if (buttons.length === 0) return { type: 'text', text };
  const shown = buttons.slice(0, 6);
  return { type: 'buttons', text: numbered ? `${text}\n${numberedChoices(shown)}` : text, buttons: shown };
}

function nextState(state: ConversationState, reply: TurnReply, message: IncomingMessage, routedText: string): ConversationState {
  const choices = reply.messages.flatMap((m) => (m.type === 'buttons' ? m.buttons : [])).flatMap((b) => (b.kind === 'postback' ? [b.payload] : []));
  return {
    lastChoices: choices.length > 0 ? choices : state.lastChoices,
    lastIntent: reply.intent,
    lastQuery: message.type === 'text' ? message.text : state.lastQuery,
    procedure: reply.remember && 'procedure' in reply.remember ? reply.remember.procedure : state.procedure,
    more: nextMore(state, reply, routedText),
    nextPage: reply.messages
      .flatMap((m) => (m.type === 'buttons' ? m.buttons : []))
      .flatMap((b) => (b.kind === 'postback' && foldDiacritics(b.title).toLowerCase() === NEXT_PAGE_TITLE ? [b.payload] : []))[0],
  };
}

/** The title every paged list gives its next-page button. */
const NEXT_PAGE_TITLE = 'xem them';

/** Keeps what an answer showed; a continuation adds to it; a turn without sources ends it. */
function nextMore(state: ConversationState, reply: Reply, routedText: string): ConversationState['more'] {
  const shown = reply.sources.map((s) => ({ doc: s.doc, lines: s.lines }));
  if (reply.intent === 'more') return state.more && { ...state.more, shown: [...state.more.shown, ...shown].slice(-40) };
  if (shown.length === 0) return undefined;
  return { query: routedText.replace(/^#ask:/, ''), intent: reply.intent, shown };
}
