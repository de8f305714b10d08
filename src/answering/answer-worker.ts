/**
 * One answer worker (a `node:worker_threads` thread, see answer-pool.ts): holds the index, the
 * model and the dialogue, and answers the turns the server thread sends it, one at a time.
 * The quiz's sessions live in the server thread; its activity is reached by a call back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAnswerer } from '../app.ts';
import { createLogger } from '../core/logger.ts';
import type { Activity, ActivityTurn } from '../core/dialogue.ts';
import type { Reply } from '../core/messages.ts';
import type { FromWorker, ToWorker, WorkerStart } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('answer-worker.ts runs as a worker thread (see answer-pool.ts)');
const start = workerData as WorkerStart;
const logger = createLogger(start.config.logLevel);
const send = (message: FromWorker) => port.postMessage(message);

let nextCall = 1;
const calls = new Map<number, { ok: (reply: Reply | undefined) => void; fail: (error: Error) => void }>();

/** An activity whose state is in the server thread: each call is a round trip. */
function remoteActivity(name: string): Activity {
  const call = (method: 'intercept' | 'open', ctx: ActivityTurn) =>
    new Promise<Reply | undefined>((ok, fail) => {
      const id = nextCall++;
      calls.set(id, { ok, fail });
      // Only the plain parts cross the thread boundary (a full TurnContext holds the services).
      send({ type: 'activity', call: id, name, method, turn: { message: ctx.message, text: ctx.text, state: ctx.state } });
    });
  return {
    intercept: (ctx) => call('intercept', ctx),
    open: async (ctx) => {
      const reply = await call('open', ctx);
      if (!reply) throw new Error(`activity ${name} gave no reply to open`);
      return reply;
    },
  };
}

try {
  const answerer = await createAnswerer(start.config, {
    logger,
    activities: Object.fromEntries(start.activities.map((name) => [name, remoteActivity(name)])),
  });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'activity-result') {
      const pending = calls.get(message.call);
      calls.delete(message.call);
      if (message.error !== undefined) pending?.fail(new Error(message.error));
      else pending?.ok(message.reply);
      return;
    }
    answerer.dialogue.handle(message.message).then(
      (reply) => send({ type: 'answered', job: message.job, reply }),
      (error: unknown) => send({ type: 'answer-failed', job: message.job, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  send({ type: 'ready', startup: answerer.startup });
} catch (error) {
  send({ type: 'failed-to-start', error: error instanceof Error ? error.message : String(error) });
}
