/**
 * The messages between the server thread and its answer workers (src/answering/): plain
 * data, structured-cloned by `postMessage`.
 */
import type { IncomingMessage, Reply } from '../core/messages.ts';
import type { ActivityTurn as DialogueActivityTurn } from '../core/dialogue.ts';
import type { AppConfig } from '../config.ts';

/** What a worker starts with (`workerData`). */
export interface WorkerStart {
  config: AppConfig;
  /** Names of the activities (the quiz) that live in the server thread and are reached by `activity` calls. */
  activities: string[];
}

/** The part of a turn an activity reads (see `Activity` in src/core/dialogue.ts). */
export type ActivityTurn = DialogueActivityTurn;

export type ToWorker =
  | { type: 'answer'; job: number; message: IncomingMessage }
  | { type: 'activity-result'; call: number; reply?: Reply; error?: string };

export type FromWorker =
  | { type: 'ready'; startup: Record<string, number> }
  | { type: 'failed-to-start'; error: string }
  | { type: 'answered'; job: number; reply: Reply }
  | { type: 'answer-failed'; job: number; error: string }
  | { type: 'activity'; call: number; name: string; method: 'intercept' | 'open'; turn: ActivityTurn };
