/**
 * The worker-thread side of ThreadedDialogue: builds the assistant from the configuration it
 * was given (never from the environment) and answers messages one at a time, in order.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { AppConfig } from '../../config.ts';
import { createLogger } from '../../core/logger.ts';
import { createAssistant } from '../../app.ts';
import type { ThreadRequest, ThreadResponse } from './dialogue-thread.ts';

const { config } = workerData as { config: AppConfig };
const port = parentPort;
if (!port) throw new Error('dialogue-thread-worker must run in a worker thread');
const logger = createLogger(config.logLevel);
lowerThreadPriority();
const assistant = createAssistant(config, { logger });
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: ThreadRequest) => {
  queue = queue.then(async () => {
    let response: ThreadResponse;
    try {
      const { dialogue } = await assistant;
      response = { id: request.id, reply: await dialogue.handle(request.message) };
    } catch (error) {
      response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(response);
  });
});

/**
 * On Linux a thread has its own nice value: composing answers yields the CPU to the main
 * thread, which acknowledges webhooks. Elsewhere this is a no-op.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    /* not Linux, or not allowed: answers simply share the CPU evenly */
  }
}
