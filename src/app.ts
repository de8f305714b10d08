/**
 * Assembles the assistant from configuration: storage, the knowledge index (built if missing
 * or stale), the embedding model, the intents and their classifier, and the dialogue.
 * The server, the `ask` command, the benchmark and the integration tests all start here.
 */
import { join, resolve } from 'node:path';
import type { AppConfig } from './config.ts';
import type { Logger } from './core/logger.ts';
import { Dialogue, type Activity, type DialogueServices } from './core/dialogue.ts';
import { INTENT_NAMES } from './core/intent-names.ts';
import { openDatabase, type Db } from './storage/database.ts';
import { ConversationRepository } from './storage/conversation-repository.ts';
import { buildKnowledgeIndex, knowledgeFingerprint, storedFingerprint, type BuildReport } from './kb/build-index.ts';
import { KnowledgeBase } from './retrieval/knowledge-base.ts';
import { LocalEmbeddings } from './retrieval/embeddings.ts';
import { analyze } from './nlu/vietnamese.ts';
import { loadThesaurus } from './nlu/thesaurus.ts';
import { loadRequired } from './kb/required-file.ts';
import { PersonalData, startRetention } from './storage/personal-data.ts';
import { forgetMeStep } from './handlers/forget-me.ts';
import { checkHandlersCover, loadIntents, type IntentDefinition } from './nlu/intents.ts';
import { IntentClassifier } from './nlu/intent-classifier.ts';
import { createHandlers, HANDLED_INTENTS } from './handlers/index.ts';
import { loadMenu } from './handlers/menu.ts';
import { ProcedureCatalog } from './tthc/procedure-catalog.ts';
import { formatProblem } from './tthc/catalog-loader.ts';
import { HandoffRepository } from './handlers/handoff-requests.ts';
import { createQuizService, type QuizService } from './quiz/session-service.ts';
import { loadQuestionBank } from './quiz/session-bank-cache.ts';
import type { QuizQuestion } from './quiz/schema.ts';
import type { Clock } from './quiz/clock.ts';
import { QuizChat } from './handlers/quiz-chat.ts';
import { loadAgencyDirectory } from './records/agencies.ts';
import { loadRecords } from './records/record-store.ts';
import { RecordLookup } from './records/record-lookup.ts';
import { FrameReader, loadFrameVocabulary } from './nlu/question-frame.ts';
import { loadChanges } from './changes/index.ts';
import { todayStep } from './handlers/today.ts';
import { screenStep } from './handlers/screen.ts';
import { loadSafetyScreen } from './nlu/safety-screen.ts';
import { taskFollowUp } from './handlers/records-handlers.ts';
import { createStaffSide, type StaffSide } from './staff/index.ts';

export interface Assistant {
  config: AppConfig;
  db: Db;
  kb: KnowledgeBase;
  records: RecordLookup;
  dialogue: Dialogue;
  /** The dialogue's activities (the quiz): answer workers reach these, in this thread. */
  activities: Readonly<Record<string, Activity>>;
  intents: IntentDefinition[];
  conversations: ConversationRepository;
  /** Requests to talk to an official ("gặp cán bộ"), listed at GET /api/admin/handoffs. */
  handoffs: HandoffRepository;
  /** Solo practice and trainer sessions (GET/POST /api/quiz/*, the chat's quiz activity). */
  quiz: QuizService;
  /** Handoff tickets and the staff desk, the answer log, feedback and curated answers (src/staff). */
  staff: StaffSide;
  /** Set when this start-up had to (re)build the index. */
  buildReport?: BuildReport;
  /** Milliseconds spent in each start-up stage. */
  startup: Record<string, number>;
  close(): void;
}

export interface AssistantOptions {
  logger: Logger;
  /** Rebuild the index even if it looks current. */
  forceRebuild?: boolean;
  /** Where intents live (default ./intents next to the knowledge folder's parent). */
  intentsDir?: string;
  /** Skip the embedding model (lexical search only), e.g. for the lexical baseline. */
  withoutEmbeddings?: boolean;
  /** Quiz questions to use instead of the bank built from knowledge/ (tests). */
  quizQuestions?: readonly QuizQuestion[];
  /** The quiz's clock (a fake one in tests). */
  quizClock?: Clock;
}

export async function createAssistant(config: AppConfig, options: AssistantOptions): Promise<Assistant> {
  const { logger } = options;
  const k = await loadKnowledge(config, { ...options, mayBuild: true });
  const { db, kb, time, startup } = k;

  const quizQuestions = options.quizQuestions ?? (await time('quiz bank', () => loadQuestionBankOrWarn(db, config, logger)));
  const quiz = await time('quiz', () => createQuizService({ db, questions: quizQuestions, documents: kb.documents, logger, clock: options.quizClock }));
  const staff = staffSideOf(config, k, logger);
  const prunedStaff = staff.prune(config.retentionDays);
  if (prunedStaff > 0) logger.info(`Đã xóa ${prunedStaff} yêu cầu đã đóng, góp ý và lượt hỏi cũ hơn ${config.retentionDays} ngày (retention)`);
  // Retention over every table with user text, now and daily (src/storage/personal-data.ts).
  const stopRetention = startRetention(
    db,
    config.retentionDays,
    (r) => {
      const total = Object.values(r.deleted).reduce((a, b) => a + b, 0);
      if (total > 0) logger.info(`Đã xóa ${total} bản ghi cũ (retention ${config.retentionDays} ngày)`, r.deleted);
    },
    (error) => logger.warn('retention job failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  const activities = { quiz: new QuizChat(quiz) };
  const { dialogue, conversations, handoffs } = dialogueOf(config, k, staff, activities, logger);
  return {
    config, db, kb, records: k.records, dialogue, activities, intents: k.intents, conversations, handoffs, quiz, staff, buildReport: k.buildReport, startup,
    close: () => {
      stopRetention();
      quiz.stop();
      staff.stop();
      db.close();
    },
  };
}

/** What an answer worker holds (src/answering/answer-worker.ts): the dialogue and nothing that runs on its own. */
export interface Answerer {
  dialogue: Dialogue;
  startup: Record<string, number>;
  close(): void;
}

/**
 * The dialogue over the index the server built, for an answer worker: no index build, no quiz
 * engine (its sessions and timers live in the server thread: `activities` reach them), no
 * retention or desk timers — those run once, in the server.
 */
export async function createAnswerer(config: AppConfig, options: { logger: Logger; activities: Readonly<Record<string, Activity>> }): Promise<Answerer> {
  const k = await loadKnowledge(config, { logger: options.logger, mayBuild: false });
  const staff = staffSideOf(config, k, options.logger);
  const { dialogue } = dialogueOf(config, k, staff, options.activities, options.logger);
  return { dialogue, startup: k.startup, close: () => k.db.close() };
}

type Knowledge = Awaited<ReturnType<typeof loadKnowledge>>;

/** The database, the index (built when missing or stale, if allowed), and everything read from knowledge/. */
async function loadKnowledge(config: AppConfig, options: Pick<AssistantOptions, 'logger' | 'forceRebuild' | 'intentsDir' | 'withoutEmbeddings'> & { mayBuild: boolean }) {
  const { logger } = options;
  const startup: Record<string, number> = {};
  const time = async <T>(stage: string, work: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const result = await work();
    startup[stage] = Math.round(performance.now() - t);
    return result;
  };

  const db = await time('database', () => openDatabase(join(config.dataDir, 'assistant.db')));
  const embeddings = options.withoutEmbeddings || config.search.vectorWeight <= 0
    ? undefined
    : await time('embedding model', () => loadEmbeddingsOrWarn(config, logger));

  let buildReport: BuildReport | undefined;
  const fingerprint = knowledgeFingerprint(config.knowledgeDir, embeddings?.modelFingerprint ?? 'no-embeddings');
  if (options.mayBuild && (options.forceRebuild || storedFingerprint(db) !== fingerprint)) {
    logger.info('Đang xây dựng chỉ mục tri thức (building the knowledge index)…');
    buildReport = await time('index build', () =>
      buildKnowledgeIndex({ knowledgeDir: config.knowledgeDir, db, embedder: embeddings, passagePrefix: config.embedding.passagePrefix, logger }),
    );
    logger.info(`Chỉ mục đã sẵn sàng: ${buildReport.chunkCount} đoạn từ ${buildReport.documents.length} văn bản`, {
      millis: Math.round(buildReport.millis.total),
      problems: buildReport.problems.length,
    });
  }

  const thesaurus = await time('thesaurus', () => loadRequired(join(config.knowledgeDir, 'thesaurus.yaml'), loadThesaurus));
  const kb = await time('knowledge base', () =>
    KnowledgeBase.load({
      db,
      analyzer: (text, mode) => analyze(text, thesaurus, mode),
      embedder: embeddings,
      weights: config.search,
      queryPrefix: config.embedding.queryPrefix,
    }),
  );

  const intentsDir = options.intentsDir ?? resolve(config.knowledgeDir, '..', 'intents');
  const intents = await time('intents', () => loadIntents(intentsDir));
  const coverage = checkHandlersCover(intents, HANDLED_INTENTS);
  if (coverage.length > 0) throw new Error(`Intents and handlers do not match:\n${coverage.map((p) => '  - ' + p.message).join('\n')}`);
  const missing = INTENT_NAMES.filter((n) => !intents.some((i) => i.name === n));
  if (missing.length > 0) throw new Error(`intents/*.yaml lacks intents: ${missing.join(', ')}`);
  const classifier = await time('classifier', () => IntentClassifier.train(intents));
  const menu = loadMenu(join(config.knowledgeDir, 'menu.yaml'));
  const procedures = await time('procedure catalog', () => ProcedureCatalog.load(config.knowledgeDir, (text, mode) => analyze(text, thesaurus, mode)));
  for (const p of procedures.problems) logger.warn(`Danh mục TTHC: bỏ qua mục lỗi (procedure catalog problem): ${formatProblem(p)}`);

  const records = await time('records', () => {
    const stored = loadRecords(db);
    const agencies = loadRequired(join(config.knowledgeDir, 'agencies.yaml'), loadAgencyDirectory);
    return new RecordLookup(stored.tasks, stored.targets, agencies, (text, mode) => analyze(text, thesaurus, mode), stored.responsibilities, stored.groups);
  });

  const safety = await time('safety screen', () => loadSafetyScreen(join(config.knowledgeDir, 'safety-screen.yaml')));
  const changes = await time('changes', () => loadChanges(config.knowledgeDir, records.agencies));
  const frames = new FrameReader(loadFrameVocabulary(join(config.knowledgeDir, 'question-frame.yaml')), {
    documentsNamedIn: (text) => kb.documentsNamedIn(text),
    // "Kế hoạch của Sở TT&TT" names a document: the agencies asked about are in the rest.
    agenciesNamedIn: (text) => records.agencies.findInQuestion(kb.withoutDocumentNamesIn(text)),
    normalize: (text) => analyze(text, thesaurus, 'query').join(' '),
  });
  return { db, kb, thesaurus, intents, classifier, menu, procedures, records, safety, changes, frames, buildReport, startup, time };
}

function staffSideOf(config: AppConfig, k: Knowledge, logger: Logger): StaffSide {
  return createStaffSide({
    db: k.db,
    logger,
    analyze: (text) => analyze(text, k.thesaurus, 'query'),
    officialChannel: config.officialChannel,
    replyTimeoutMs: config.staff.replyTimeoutMs,
    curatedDir: config.staff.curatedDir,
  });
}

function dialogueOf(config: AppConfig, k: Knowledge, staff: StaffSide, activities: Readonly<Record<string, Activity>>, logger: Logger) {
  const conversations = new ConversationRepository(k.db);
  const handoffs = new HandoffRepository(k.db);
  const { kb, records, frames, procedures } = k;
  const services: DialogueServices = {
    frames,
    changes: k.changes,
    screens: [screenStep(k.safety), staff.curatedStep, todayStep],
    intake: staff.intake,
    kb,
    records,
    thesaurus: k.thesaurus,
    classifier: k.classifier,
    intents: new Map(k.intents.map((i) => [i.name, i])),
    menu: k.menu,
    config,
    conversations,
    handoffs,
    logger,
    procedures,
    followUps: [(text, state) => procedures.followUpPayload(text, state.procedure), taskFollowUp(frames)],
    activities,
    early: [forgetMeStep(new PersonalData(k.db), logger)],
  };
  return { dialogue: new Dialogue(services, createHandlers()), conversations, handoffs };
}

/** The checked quiz bank (cached in SQLite); empty, with a warning, when it cannot be built. */
async function loadQuestionBankOrWarn(db: Db, config: AppConfig, logger: Logger): Promise<QuizQuestion[]> {
  try {
    return await loadQuestionBank({ db, knowledgeDir: config.knowledgeDir, logger });
  } catch (error) {
    logger.warn(`Không xây dựng được ngân hàng câu hỏi trắc nghiệm (quiz bank not built): ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

async function loadEmbeddingsOrWarn(config: AppConfig, logger: Logger): Promise<LocalEmbeddings | undefined> {
  try {
    return await LocalEmbeddings.load({
      modelDir: config.embedding.modelDir,
      queryPrefix: '',
      passagePrefix: '',
      pooling: config.embedding.pooling,
    });
  } catch (error) {
    logger.warn(
      `Không nạp được mô hình embedding, chỉ dùng tìm kiếm từ khóa (embedding model not loaded; lexical search only): ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
