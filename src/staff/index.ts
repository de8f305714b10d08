/**
 * The staff side assembled: handoff tickets and the desk, the answer log and feedback, curated
 * answers, and the pipeline steps they add (see `src/app.ts`).
 */
import type { Db } from '../storage/database.ts';
import type { Logger } from '../core/logger.ts';
import type { Step } from '../core/dialogue.ts';
import { TicketStore } from './tickets.ts';
import { StaffDesk } from './desk.ts';
import { AnswerLog, FeedbackStore } from './answer-log.ts';
import { CuratedAnswers, curatedStep } from './curated.ts';
import { takeoverStep } from './takeover-step.ts';
import { logStep } from './log-step.ts';
import type { Analyzer } from './similarity.ts';

export interface StaffSide {
  tickets: TicketStore;
  desk: StaffDesk;
  log: AnswerLog;
  feedback: FeedbackStore;
  curated: CuratedAnswers;
  analyze: Analyzer;
  /** Where curated answers are exported and imported (knowledge/curated). */
  curatedDir: string;
  /** Steps that run first: the log (outermost), then the takeover of a user with an open ticket. */
  intake: Step[];
  /** Runs among the screens: a curated answer before the documents. */
  curatedStep: Step;
  /** Retention: closed tickets, feedback and logged turns older than `days` (0 = keep). */
  prune(days: number, now?: number): number;
  /** Starts the desk's sweep (deliveries, no-reply timeouts) and a daily retention pass. */
  start(retentionDays: number): void;
  stop(): void;
}

export interface StaffSideOptions {
  db: Db;
  logger: Logger;
  analyze: Analyzer;
  officialChannel: { officeHours: string; hotline: string; portalUrl: string };
  replyTimeoutMs: number;
  curatedDir: string;
}

export function createStaffSide(o: StaffSideOptions): StaffSide {
  const tickets = new TicketStore(o.db);
  const desk = new StaffDesk({ db: o.db, tickets, logger: o.logger, officialChannel: o.officialChannel, replyTimeoutMs: o.replyTimeoutMs });
  const log = new AnswerLog(o.db);
  const feedback = new FeedbackStore(o.db, log);
  const curated = new CuratedAnswers(o.db, o.analyze);
  let daily: NodeJS.Timeout | undefined;
  const prune = (days: number, now = Date.now()) => {
    if (days <= 0) return 0;
    const cutoff = now - days * 86_400_000;
    return tickets.prune(cutoff) + feedback.prune(cutoff) + log.prune(cutoff);
  };
  return {
    tickets,
    desk,
    log,
    feedback,
    curated,
    analyze: o.analyze,
    curatedDir: o.curatedDir,
    intake: [logStep({ log, feedback, logger: o.logger }), takeoverStep(desk)],
    curatedStep: curatedStep(curated),
    prune,
    start: (retentionDays) => {
      desk.start();
      if (daily || retentionDays <= 0) return;
      daily = setInterval(() => {
        try {
          prune(retentionDays);
        } catch (error) {
          o.logger.warn('retention of the staff side failed', { error: error instanceof Error ? error.message : String(error) });
        }
      }, 86_400_000);
      daily.unref();
    },
    stop: () => {
      desk.stop();
      if (daily) clearInterval(daily);
      daily = undefined;
    },
  };
}
