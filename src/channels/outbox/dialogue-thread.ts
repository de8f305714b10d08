/**
 * Runs the dialogue for the Zalo channels in a worker thread, so that composing an answer
 * (search, embeddings: up to ~100 ms of CPU for a hard question) never delays the webhook's
 * acknowledgement on the main thread. The thread builds its own assistant from the same
 * configuration and SQLite file (the index is already built by then), answers one message
 * at a time, and is restarted if it dies.
 */
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../../config.ts';
import type { Logger } from '../../core/logger.ts';
import type { IncomingMessage, Reply } from '../../core/messages.ts';

/** What goes to the thread and back. */
export type ThreadRequest = { id: number; message: IncomingMessage };
export type ThreadResponse = { id: number; reply: Reply } | { id: number; error: string };

/** Plain JavaScript so it runs before any TypeScript loader: registers tsx when the entry is a .ts file. */
const BOOT = `
const { workerData } = require('node:worker_threads');
const start = workerData.tsxApi && workerData.entry.endsWith('.ts')
  ? import(workerData.tsxApi).then(({ register }) => register())
  : Promise.resolve();
start.then(() => import(workerData.entry)).catch((error) => {
  process.stderr.write('dialogue thread failed to start: ' + (error && error.stack ? error.stack : String(error)) + '\\n');
  process.exit(1);
});`;

export class ThreadedDialogue {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { ok: (reply: Reply) => void; fail: (error: Error) => void }>();

  constructor(
    private readonly config: AppConfig,
    private readonly logger: Logger,
  ) {}

  /** Starts the thread now (it loads the assistant in the background). */
  start(): void {
    this.ensure();
  }

  /** Same contract as `Dialogue.handle`; rejects only if the thread itself fails. */
  handle(message: IncomingMessage): Promise<Reply> {
    const worker = this.ensure();
    const id = ++this.seq;
    return new Promise<Reply>((ok, fail) => {
      this.pending.set(id, { ok, fail });
      worker.postMessage({ id, message } satisfies ThreadRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    let tsxApi: string | undefined;
    try {
      tsxApi = import.meta.resolve('tsx/esm/api');
    } catch {
      tsxApi = undefined; // running compiled JavaScript
    }
    const entry = new URL(`./dialogue-thread-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
    const worker = new Worker(BOOT, { eval: true, workerData: { entry, tsxApi, config: this.config } });
    worker.unref();
    worker.on('message', (m: ThreadResponse) => {
      const waiter = this.pending.get(m.id);
      if (!waiter) return;
      this.pending.delete(m.id);
      if ('reply' in m) waiter.ok(m.reply);
      else waiter.fail(new Error(`dialogue thread: ${m.error}`));
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.fail(new Error(`dialogue thread ${why}`));
      }
    };
    worker.on('error', (error) => {
      this.logger.error('dialogue thread crashed; it will be restarted', { error: error.message });
      lost('crashed');
    });
    worker.on('exit', (code) => lost(`exited (${code})`));
    this.worker = worker;
    return worker;
  }
}
