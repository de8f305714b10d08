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
import type { FrameReader, QuestionFrame } from '../nlu/question-frame.ts';
import { changeNotes, compactNote, type ChangeSet } from '../changes/index.ts';

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
  /** The task (a plan's table row) last answered, so "thế còn phối hợp?" or "kinh phí bao nhiêu?" refers to it. */
  task?: string;
  /** The last answered question and the passages already shown, so "còn gì nữa?" shows the next ones. */
  more?: { query: string; intent: string; shown: Array<{ doc: string; lines?: string }> };
  /** Payload of the last reply's "Xem thêm" button (a paged list), which "còn gì nữa?" follows. */
  nextPage?: string;
}

/** "còn gì nữa?", "xem thêm", "tiếp": asks to continue the last answer (compared without diacritics). */
const MORE_REQUEST = /^(con (gi|j|nua|khong|ko)( nua| khac)?( khong| ko)?|xem them|xem tiep|tiep( theo| tuc| di)?|them nua|nua di)( a| ad| nhe| nha)?[\s?.!]*$/;

export const STATE_TTL_MS = 30 * 60_000;

/** One Zalo text message holds at most this many characters. */
const ZALO_TEXT_LIMIT = 2000;
/** What reads on one phone screen (a single answer, not a list). */
const PHONE_SCREEN_CHARS = 1200;

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
  /** The province's reorganisation since the plans (knowledge/changes.yaml): notes on quoted names, questions about today. */
  changes?: ChangeSet;
  /** Reads the question frame (documents, attributes, year, agencies) once per turn. */
  frames?: FrameReader;
  /**
   * Steps that may answer before the classifier (the safety screen, questions about today's
   * province); run in order after payloads, each `(turn, next)`.
   */
  screens?: readonly Step[];
  /** Steps that run before all others (the staff side: turn log and feedback, a handoff's takeover). */
  intake?: readonly Step[];
  /** Steps right after the limits, before any activity: "xoá dữ liệu của tôi" (src/handlers/forget-me.ts). */
  early?: readonly Step[];
}

/**
 * A multi-turn activity (a quiz) whose own flow goes around the router: while it runs for a
 * user, "B", "2", "dừng" or a display name belong to it, and so do its "#quiz:…" payloads
 * and its entry commands ("thamgia 123456"). It keeps its own per-user state (in SQLite).
 */
export interface Activity {
  /** A reply when the message belongs to the activity; undefined lets normal routing answer. */
  intercept(turn: ActivityTurn): Promise<Reply | undefined> | Reply | undefined;
  /** Answers the intent that names the activity ("thi thử", "quiz"). */
  open(turn: ActivityTurn): Promise<Reply> | Reply;
}

/** What an activity reads of a turn: plain data, so an answer worker can pass it to the server thread (src/answering/). */
export type ActivityTurn = Pick<TurnContext, 'message' | 'text' | 'state'>;

/** Whatever answers a turn: the dialogue itself, or the pool of answer workers (src/answering/). */
export interface Answering {
  handle(message: IncomingMessage): Promise<Reply>;
}

/** What a turn may ask the dialogue to remember (merged into the conversation state). */
export type StateUpdate = Partial<Pick<ConversationState, 'procedure' | 'task'>>;

/** A handler's reply, optionally with what to remember for the next turns. */
export type TurnReply = Reply & {
  remember?: StateUpdate;
  /** Attributes the question asked that this reply could not give (for a handler choosing between answers). */
  missing?: readonly string[];
};

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
  /** What the question asks (documents, attributes, year, agencies); undefined for payloads and social turns. */
  frame?: QuestionFrame;
}

export type Handler = (ctx: TurnContext) => Promise<TurnReply> | TurnReply;

/**
 * Every intent has a handler (a missing key is a type error); `fallback` is required.
 * `payloads` maps a payload prefix ("tthc" in "#tthc:…") to the handler of the feature that
 * owns it; other payloads go to `payload` (menus, "#ask:…").
 */
export type HandlerMap = Record<IntentName, Handler> & {
  fallback: Handler;
  payload: Handler;
  media: Handler;
  follow: Handler;
  more: Handler;
  payloads: Readonly<Record<string, Handler>>;
};

/**
 * One turn as it moves through the pipeline: each step may answer, change what is routed
 * (a picked choice, a follow-up's payload), or pass on with `next()`.
 */
export interface Turn {
  message: IncomingMessage;
  /** The text being routed (normalised; replaced by a picked choice or a follow-up's payload). */
  text: string;
  state: ConversationState;
  frame?: QuestionFrame;
}

/** A step of the turn pipeline (grammY-style): answer, or call `next()` to let later steps answer. */
export type Step = (turn: Turn, next: () => Promise<TurnReply>, services: DialogueServices) => Promise<TurnReply> | TurnReply;

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

/**
 * The intent's passage preference; a document's metadata chunk (title, signer, date) only
 * answers questions about the document itself, so it steps back otherwise.
 */
function passagePreference(intent: IntentName, frame: QuestionFrame | undefined): (chunk: Chunk) => number {
  const byKind = PASSAGE_PREFERENCE[intent];
  const aboutDocument = frame?.attributes.some((a) => a === 'signer' || a === 'issued') ?? false;
  return (chunk) => (byKind?.(chunk) ?? 1) * (!aboutDocument && chunk.id.endsWith(':meta') ? 0.5 : 1);
}

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
    const turn: { text: string; frame?: QuestionFrame } = { text: '' };
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
    const { remember: _remember, missing: _missing, ...shown } = reply;
    return this.withChangeNotes(turn.frame ? { ...shown, frame: turn.frame } : shown);
  }

  /**
   * A quoted answer keeps the plan's names (it is a quote) and gains one line per change
   * since then ("Lưu ý: từ … Sở TT&TT hợp nhất vào …"), within one Zalo message when it fits.
   */
  private withChangeNotes(reply: Reply): Reply {
    const { changes } = this.services;
    // The procedure catalog is kept current itself; a "today" answer is the change data.
    if (!changes || reply.sources.length === 0 || reply.sources.every((s) => s.doc === 'changes' || s.doc.startsWith('tthc:'))) return reply;
    const text = replyText(reply);
    // Citation lines name the document's issuer as it was ("…của Sở TT&TT"): they are titles, not claims.
    const quoted = text.split('\n').filter((line) => !line.startsWith('Nguồn:')).join('\n');
    const full = changeNotes(quoted, changes).filter((n) => !text.includes(n));
    if (full.length === 0) return reply;
    // A phone screen (or, for a list, one Zalo message) holds the answer and its notes.
    const limit = text.length <= PHONE_SCREEN_CHARS ? PHONE_SCREEN_CHARS : ZALO_TEXT_LIMIT;
    const fullNotes = full.join('\n');
    const notes = text.length + fullNotes.length + 2 <= limit ? fullNotes : (compactNote(quoted, changes) ?? fullNotes);
    const index = reply.messages.findIndex((m) => m.type === 'text' || m.type === 'buttons');
    const target = reply.messages[index];
    if (!target || !('text' in target)) return reply;
    const messages = [...reply.messages];
    messages[index] = { ...target, text: `${target.text}\n\n${notes}` };
    return { ...reply, messages };
  }

  /** `routed.text` receives the text actually routed (after a number picked a choice). */
  private async route(message: IncomingMessage, state: ConversationState, routed: { text: string; frame?: QuestionFrame }): Promise<TurnReply> {
    const turn: Turn = { message, state, text: message.type === 'text' ? normalizeText(message.text) : '' };
    const steps = this.steps();
    const run = async (i: number): Promise<TurnReply> => {
      routed.text = turn.text;
      const step = steps[i];
      if (!step) return this.answer(turn);
      return step(turn, () => run(i + 1), this.services);
    };
    try {
      return await run(0);
    } finally {
      routed.frame = turn.frame;
    }
  }

  /**
   * The turn, in order: non-text turns → limits → a running activity → a numbered choice →
   * continuation ("còn gì nữa?") → a short follow-up about the last topic → payloads → the
   * screens (refusals, today's province) → frame, classify, retrieve, handler (`answer`).
   */
  private steps(): Step[] {
    return [
      ...(this.services.intake ?? []),
      this.nonText,
      this.limits,
      ...(this.services.early ?? []),
      this.activity,
      this.numberedChoice,
      this.continuation,
      this.followUp,
      this.payload,
      ...(this.services.screens ?? []),
    ];
  }

  private ctxOf(turn: Turn, prediction: IntentPrediction = NO_PREDICTION): TurnContext {
    return { message: turn.message, state: turn.state, services: this.services, text: turn.text, prediction, hits: [], retrievalConfidence: 0, frame: turn.frame };
  }

  private readonly nonText: Step = (turn, next) => {
    if (turn.message.type === 'follow') return this.handlers.follow(this.ctxOf(turn));
    if (turn.message.type === 'media') return this.handlers.media({ ...this.ctxOf(turn), text: turn.message.caption ?? '' });
    return next();
  };

  private readonly limits: Step = (turn, next) => {
    if (turn.text.length === 0) return this.handlers.help(this.ctxOf(turn));
    const max = this.services.config.messageMaxChars;
    if (turn.text.length > max) {
      return plainReply(`Dạ, tin nhắn của anh/chị dài quá (${turn.text.length} ký tự, tối đa ${max}). Anh/chị vui lòng hỏi ngắn gọn từng câu một ạ.`, 'too_long');
    }
    return next();
  };

  /** A running activity (a quiz) sees the message first: its answers and commands are its own. */
  private async claim(turn: Turn): Promise<Reply | undefined> {
    for (const activity of Object.values(this.services.activities ?? {})) {
      const claimed = await activity.intercept(this.ctxOf(turn));
      if (claimed) return claimed;
    }
    return undefined;
  }

  private readonly activity: Step = async (turn, next) => (await this.claim(turn)) ?? next();

  /** A bare number picks one of the choices shown last time (which may be an activity's own payload). */
  private readonly numberedChoice: Step = async (turn, next) => {
    const choice = /^\d{1,2}$/.test(turn.text) ? turn.state.lastChoices?.[Number(turn.text) - 1] : undefined;
    if (!choice) return next();
    turn.text = choice;
    return (await this.claim(turn)) ?? next();
  };

  /** "Còn gì nữa?": a paged list continues with its own next page; otherwise the next passages of the last answer. */
  private readonly continuation: Step = (turn, next) => {
    if (!MORE_REQUEST.test(foldDiacritics(turn.text).toLowerCase())) return next();
    if (turn.state.nextPage) {
      turn.text = turn.state.nextPage;
      return next();
    }
    if (turn.state.more) return this.handlers.more({ ...this.ctxOf(turn), text: turn.state.more.query });
    return next();
  };

  /** A short message that only makes sense in context ("mất bao lâu?", "thế còn phối hợp?") becomes its payload. */
  private readonly followUp: Step = (turn, next) => {
    if (turn.text.startsWith('#')) return next();
    for (const resolve of this.services.followUps ?? []) {
      const payload = resolve(turn.text, turn.state);
      if (payload) {
        // What the short message asks ("phối hợp", "kinh phí") still shapes the answer about the last topic.
        turn.frame = this.services.frames?.read(turn.text);
        turn.text = payload;
        break;
      }
    }
    return next();
  };

  /** "#<prefix>:…" goes to the feature that registered the prefix, else to the generic payload handler. */
  private readonly payload: Step = (turn, next) => {
    if (!turn.text.startsWith('#')) return next();
    const owner = this.handlers.payloads[/^#([a-z]+):/.exec(turn.text)?.[1] ?? ''];
    return (owner ?? this.handlers.payload)(this.ctxOf(turn));
  };

  /** The question itself: its frame, the intent, the passages, and the intent's handler. */
  private async answer(turn: Turn): Promise<TurnReply> {
    const { text } = turn;
    turn.frame ??= this.services.frames?.read(text);
    const prediction = this.services.classifier.classify(text);
    const predicted = isIntentName(prediction.intent) ? prediction.intent : 'plan_question';
    const base = this.ctxOf(turn, prediction);
    const wordCount = text.split(/\s+/).length;
    if (SOCIAL_INTENTS.has(predicted) && prediction.confidence >= SOCIAL_MIN_CONFIDENCE && wordCount <= 8) {
      return this.handlers[predicted](base);
    }
    if ((predicted === 'handoff' || predicted === 'quiz') && prediction.confidence >= SOCIAL_MIN_CONFIDENCE) {
      return this.handlers[predicted](base);
    }

    const hits = await this.services.kb.search(text, { limit: 8, boost: passagePreference(predicted, turn.frame) });
    const retrievalConfidence = confidenceOf(hits);
    const ctx: TurnContext = { ...base, hits, retrievalConfidence };
    const unanswered = retrievalConfidence < this.services.config.answer.minConfidence;
    const declineAt = unanswered ? DECLINE_MIN_CONFIDENCE_UNANSWERED : DECLINE_MIN_CONFIDENCE;
    if (predicted === 'out_of_scope' && prediction.confidence >= declineAt && retrievalConfidence < DECLINE_MAX_RETRIEVAL) {
      return this.handlers.out_of_scope(ctx);
    }
    return KNOWLEDGE_INTENTS.has(predicted) ? this.handlers[predicted](ctx) : this.handlers.fallback(ctx);
  }
}

const NO_PREDICTION: IntentPrediction = { intent: 'none', confidence: 0, ranking: [] };

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
    // The last thing discussed is one topic: a task answered replaces the procedure, and the reverse.
    ...lastTopic(state, reply.remember),
    more: nextMore(state, reply, routedText),
    nextPage: reply.messages
      .flatMap((m) => (m.type === 'buttons' ? m.buttons : []))
      .flatMap((b) => (b.kind === 'postback' && foldDiacritics(b.title).toLowerCase() === NEXT_PAGE_TITLE ? [b.payload] : []))[0],
  };
}

function lastTopic(state: ConversationState, remember: StateUpdate | undefined): Pick<ConversationState, 'procedure' | 'task'> {
  if (remember && 'task' in remember) return { task: remember.task, procedure: undefined };
  if (remember && 'procedure' in remember) return { procedure: remember.procedure, task: remember.procedure ? undefined : state.task };
  return { procedure: state.procedure, task: state.task };
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
