/**
 * Answering off the server thread: a pool of worker threads (answer-worker.ts), one per core by
 * default (`ANSWER_WORKERS`), each holding the index, the model and a dialogue. The server
 * thread receives, verifies, stores and acknowledges; `handle` hands the turn to a worker.
 *
 * - A user's turns go to one worker at a time, in the order they arrived, so conversation
 *   state is never raced; different users are answered in parallel.
 * - A worker that crashes (or hangs past `jobTimeoutMs`) is replaced, and its turn is tried
 *   once more on another worker; a turn that fails twice is rejected.
 * - Activities (the quiz) keep their state here: a worker's call for one is answered here.
 *
 * @example
 *   const pool = new AnswerPool({ size: 2, config, activities: { quiz: new QuizChat(quiz) }, logger });
 *   await pool.start();
 *   const reply = await pool.handle(message);
 */
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../config.ts';
import type { Activity } from '../core/dialogue.ts';
import type { Logger } from '../core/logger.ts';
import type { IncomingMessage, Reply } from '../core/messages.ts';
import type { FromWorker, ToWorker, WorkerStart } from './protocol.ts';

export interface AnswerPoolOptions {
  size: number;
  config: AppConfig;
  activities: Readonly<Record<string, Activity>>;
  logger: Logger;
  /** A turn taking longer than this means a stuck worker: it is replaced (default 30 s). */
  jobTimeoutMs?: number;
  /** The worker's module (tests may pass another). */
  entry?: URL;
}

export interface AnswerPoolHealth {
  workers: number;
  ready: number;
  busy: number;
  queued: number;
  /** Workers replaced after a crash or a stuck turn since start. */
  restarts: number;
}

interface Job {
  id: number;
  message: IncomingMessage;
  /** One user's turns share a key and never run at once. */
  key: string;
  attempts: number;
  ok: (reply: Reply) => void;
  fail: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

const DEFAULT_ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/** A turn is tried on at most this many workers. */
const MAX_ATTEMPTS = 2;
/** Wait before starting a replacement after one failed to start. */
const RESPAWN_DELAY_MS = 2000;

export class AnswerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly busyKeys = new Set<string>();
  private nextJob = 1;
  private restarts = 0;
  private closing = false;

  constructor(private readonly options: AnswerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new Error(`AnswerPool: size must be a positive integer, got ${options.size}`);
  }

  /** Starts every worker; resolves when all are ready, rejects if one cannot start. */
  async start(): Promise<Record<string, number>> {
    const started = await Promise.all(Array.from({ length: this.options.size }, () => this.spawn()));
    return started[0] ?? {};
  }

  /** Answers a turn on a worker (see the ordering rules above). */
  handle(message: IncomingMessage): Promise<Reply> {
    if (this.closing) return Promise.reject(new Error('the answer pool is closed'));
    return new Promise<Reply>((ok, fail) => {
      this.queue.push({ id: this.nextJob++, message, key: `${message.channel}:${message.userId}`, attempts: 0, ok, fail });
      this.dispatch();
    });
  }

  health(): AnswerPoolHealth {
    const slots = [...this.slots];
    return {
      workers: slots.length,
      ready: slots.filter((s) => s.ready).length,
      busy: slots.filter((s) => s.job).length,
      queued: this.queue.length,
      restarts: this.restarts,
    };
  }

  /** Stops the workers; turns not yet answered are rejected (the Zalo inbox keeps them pending). */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0)) job.fail(new Error('the answer pool is closed'));
    await Promise.all(
      [...this.slots].map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.job?.fail(new Error('the answer pool is closed'));
        slot.job = undefined;
        await slot.worker.terminate();
      }),
    );
    this.slots.clear();
  }

  private spawn(): Promise<Record<string, number>> {
    const start: WorkerStart = { config: this.options.config, activities: Object.keys(this.options.activities) };
    const worker = new Worker(this.options.entry ?? DEFAULT_ENTRY, { workerData: start });
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    return new Promise((ok, fail) => {
      let settled = false;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          slot.ready = true;
          settled = true;
          ok(message.startup);
          this.dispatch();
        } else if (message.type === 'failed-to-start') {
          settled = true;
          this.slots.delete(slot);
          void worker.terminate();
          fail(new Error(`an answer worker could not start: ${message.error}`));
        } else {
          this.onMessage(slot, message);
        }
      });
      worker.on('error', (error) => {
        this.options.logger.error('answer worker crashed', { error: error.message });
      });
      worker.on('exit', (code) => {
        if (!settled) {
          settled = true;
          this.slots.delete(slot);
          fail(new Error(`an answer worker exited while starting (code ${code})`));
          return;
        }
        if (this.slots.has(slot)) this.replace(slot, `exited with code ${code}`);
      });
    });
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'activity') {
      const activity = this.options.activities[message.name];
      const post = (m: ToWorker) => slot.worker.postMessage(m);
      if (!activity) {
        post({ type: 'activity-result', call: message.call, error: `no activity ${message.name}` });
        return;
      }
      Promise.resolve()
        .then(() => activity[message.method](message.turn))
        .then(
          (reply) => post({ type: 'activity-result', call: message.call, reply }),
          (error: unknown) => post({ type: 'activity-result', call: message.call, error: error instanceof Error ? error.message : String(error) }),
        );
      return;
    }
    if (message.type !== 'answered' && message.type !== 'answer-failed') return;
    const job = slot.job;
    if (!job || job.id !== message.job) return;
    this.finish(slot, job);
    if (message.type === 'answered') job.ok(message.reply);
    else job.fail(new Error(message.error));
    this.dispatch();
  }

  private finish(slot: Slot, job: Job): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    this.busyKeys.delete(job.key);
  }

  /** A worker died or hung: its turn goes back to the front of the queue (once), a new worker starts. */
  private replace(slot: Slot, why: string): void {
    this.slots.delete(slot);
    const job = slot.job;
    if (job) {
      this.finish(slot, job);
      job.attempts += 1;
      if (job.attempts >= MAX_ATTEMPTS) job.fail(new Error(`answering this message failed on ${job.attempts} workers (${why})`));
      else this.queue.unshift(job);
    }
    void slot.worker.terminate();
    if (this.closing) return;
    this.restarts += 1;
    this.options.logger.warn(`answer worker ${why}: starting a replacement${job ? '; its turn is tried again' : ''}`);
    const respawn = () => {
      if (this.closing) return;
      this.spawn().catch((error: unknown) => {
        this.options.logger.error('answer worker replacement failed; trying again', { error: error instanceof Error ? error.message : String(error) });
        setTimeout(respawn, RESPAWN_DELAY_MS).unref();
      });
    };
    respawn();
    this.dispatch();
  }

  /** Gives each idle worker the oldest turn whose user has none in progress. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const index = this.queue.findIndex((j) => !this.busyKeys.has(j.key));
      if (index < 0) return;
      const [job] = this.queue.splice(index, 1);
      this.assign(slot, job!);
    }
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    this.busyKeys.add(job.key);
    const timeout = this.options.jobTimeoutMs ?? 30_000;
    slot.timer = setTimeout(() => {
      if (slot.job === job) this.replace(slot, `took over ${timeout} ms on one turn`);
    }, timeout);
    slot.timer.unref();
    const message: ToWorker = { type: 'answer', job: job.id, message: job.message };
    slot.worker.postMessage(message);
  }
}
