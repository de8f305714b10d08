/**
 * The outbox worker on a real SQLite file with a scripted channel: a user's replies keep
 * their order through retries, retryable failures back off, permanent ones are recorded
 * once, and a new worker on the same file resumes what the last one left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { ZaloQueue } from '../../src/storage/zalo-queue.ts';
import { MessageWorker } from '../../src/channels/outbox/message-worker.ts';
import { DeliveryError, type ChannelSender } from '../../src/channels/outbox/delivery.ts';
import type { IncomingMessage, Reply } from '../../src/core/messages.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { RateLimiter } from '../../src/http/rate-limit.ts';
import { waitFor } from '../fakes/http-fake.ts';

let dir: string;
let db: Db;
let queue: ZaloQueue;
const workers: MessageWorker[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bg-outbox-'));
  db = openDatabase(join(dir, 'assistant.db'));
  queue = new ZaloQueue(db);
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A channel whose sends fail as scripted: 'retry' (e.g. -32), 'fatal' (e.g. -213), or succeed. */
function scriptedSender(script: Map<string, Array<'retry' | 'fatal'>>) {
  const sent: Array<{ userId: string; text: string }> = [];
  const sender: ChannelSender = {
    channel: 'zalo-oa',
    render: (reply: Reply, userId: string) => reply.messages.map((m) => ({ userId, text: m.text })),
    async send(userId: string, payload: unknown) {
      const { text } = payload as { text: string };
      const next = script.get(text)?.shift();
      await new Promise((ok) => setTimeout(ok, 1));
      if (next === 'retry') throw new DeliveryError('rate limited (-32)', true, -32);
      if (next === 'fatal') throw new DeliveryError('user does not follow (-213)', false, -213);
      sent.push({ userId, text });
    },
  };
  return { sender, sent };
}

const echoDialogue = { handle: async (m: IncomingMessage): Promise<Reply> => ({ messages: [{ type: 'text', text: `re:${m.type === 'text' ? m.text : m.type}` }], intent: 'x', sources: [], confidence: 1 }) };

function worker(sender: ChannelSender, extra: Partial<ConstructorParameters<typeof MessageWorker>[0]> = {}) {
  const w = new MessageWorker({
    queue,
    dialogue: echoDialogue,
    senders: new Map([['zalo-oa', sender]]),
    logger: silentLogger,
    retry: { baseMs: 5, maxMs: 40, maxAttempts: 6 },
    concurrency: 4,
    pollMs: 20,
    ...extra,
  });
  workers.push(w);
  return w;
}

const text = (userId: string, t: string, id: string): [string, IncomingMessage] => [id, { type: 'text', channel: 'zalo-oa', userId, text: t, receivedAt: Date.now() }];

test('a user\'s replies keep their order through retries; other users are not held up', async () => {
  const { sender, sent } = scriptedSender(new Map([['re:a1', ['retry', 'retry', 'retry']]]));
  for (const [id, m] of [text('a', 'a1', '1'), text('a', 'a2', '2'), text('b', 'b1', '3'), text('a', 'a3', '4')]) queue.accept(id, m);
  worker(sender).start();
  await waitFor(() => sent.length === 4, 'all sent');
  expect(sent.filter((s) => s.userId === 'a').map((s) => s.text)).toEqual(['re:a1', 're:a2', 're:a3']);
  expect(sent[0]).toEqual({ userId: 'b', text: 're:b1' });
  expect(queue.counts()).toMatchObject({ inboxDone: 4, outboxSent: 4, outboxPending: 0, outboxFailed: 0 });
});

test('a permanent failure is recorded and not retried; a retryable one gives up after the attempts allowed', async () => {
  const { sender, sent } = scriptedSender(new Map([['re:x', ['fatal']], ['re:y', Array(10).fill('retry')]]));
  queue.accept('1', text('u', 'x', '1')[1]);
  queue.accept('2', text('v', 'y', '2')[1]);
  queue.accept('3', text('u', 'z', '3')[1]);
  worker(sender).start();
  await waitFor(() => queue.counts().outboxFailed === 2 && sent.length === 1, 'failures recorded');
  expect(sent).toEqual([{ userId: 'u', text: 're:z' }]);
  const failed = db.prepare("SELECT last_error, attempts FROM zalo_outbox WHERE status = 'failed' ORDER BY id").all() as Array<{ last_error: string; attempts: number }>;
  expect(failed[0]).toEqual({ last_error: 'user does not follow (-213)', attempts: 1 });
  expect(failed[1]!.attempts).toBe(6);
  expect(failed[1]!.last_error).toMatch(/gave up after 6 attempts/);
});

test('a retried event is stored once; a new worker on the same file resumes pending work', async () => {
  expect(queue.accept('m1', text('u', 'hello', 'm1')[1])).toBe('accepted');
  expect(queue.accept('m1', text('u', 'hello', 'm1')[1])).toBe('duplicate');
  // A first worker answered but could not send (as if killed before the send).
  queue.complete(queue.pendingInbox()[0]!, [{ userId: 'u', text: 're:hello' }]);
  queue.accept('m2', text('u', 'again', 'm2')[1]);
  const { sender, sent } = scriptedSender(new Map());
  worker(sender).start();
  await waitFor(() => sent.length === 2, 'resumed');
  expect(sent.map((s) => s.text)).toEqual(['re:hello', 're:again']);
});

test('over the rate limit: one polite notice, the rest stored but not answered', async () => {
  const { sender, sent } = scriptedSender(new Map());
  for (let i = 0; i < 5; i++) queue.accept(`r${i}`, text('flood', `m${i}`, `r${i}`)[1]);
  worker(sender, { rateLimiter: new RateLimiter(2) }).start();
  await waitFor(() => queue.counts().inboxPending === 0 && sent.length === 3, 'processed');
  expect(sent.slice(0, 2).map((s) => s.text)).toEqual(['re:m0', 're:m1']);
  expect(sent[2]!.text).toMatch(/đợi khoảng một phút/);
  expect(queue.counts()).toMatchObject({ inboxDone: 3, inboxRateLimited: 2 });
});

test('when the dialogue itself is unavailable the message stays pending and is answered later', async () => {
  const { sender, sent } = scriptedSender(new Map());
  let down = 2;
  const flaky = { handle: async (m: IncomingMessage) => {
    if (down-- > 0) throw new Error('dialogue unavailable');
    return echoDialogue.handle(m);
  } };
  queue.accept('d1', text('u', 'hi', 'd1')[1]);
  worker(sender, { dialogue: flaky }).start();
  await waitFor(() => sent.length === 1, 'answered after recovery');
  expect(queue.counts()).toMatchObject({ inboxDone: 1, inboxFailed: 0 });
});

test('pushed messages (a quiz question) go out after the replies already queued for that user, even through a retry', async () => {
  const { sender, sent } = scriptedSender(new Map([['re:first', ['retry', 'retry']]]));
  queue.accept('p1', text('u', 'first', 'p1')[1]);
  queue.complete(queue.pendingInbox()[0]!, [{ userId: 'u', text: 're:first' }]);
  queue.enqueue('zalo-oa', 'u', [{ userId: 'u', text: 'Câu 1/10: …' }]);
  worker(sender).start();
  await waitFor(() => sent.length === 2, 'both sent');
  expect(sent.map((s) => s.text)).toEqual(['re:first', 'Câu 1/10: …']);
});

test('old finished rows are forgotten; pending ones and recent keys (for deduplication) are kept', () => {
  const old = Date.now() - 8 * 86_400_000;
  queue.accept('old', { ...text('u', 'old', 'old')[1], receivedAt: old });
  queue.complete(queue.pendingInbox()[0]!, [{ userId: 'u', text: 're:old' }], old);
  queue.markSent(db.prepare('SELECT id FROM zalo_outbox').pluck().get() as number, old);
  queue.accept('recent', text('u', 'recent', 'recent')[1]);
  queue.accept('waiting', { ...text('v', 'waiting', 'waiting')[1], receivedAt: old });
  expect(queue.prune(7 * 86_400_000)).toBe(2);
  expect(queue.counts()).toMatchObject({ inboxPending: 2, inboxDone: 0, outboxSent: 0 });
  expect(queue.accept('recent', text('u', 'recent', 'recent')[1])).toBe('duplicate');
});

test('messages arriving together are stored in one group commit, duplicates still recognised', async () => {
  const results = await Promise.all([
    queue.acceptSoon('g1', text('u', 'one', 'g1')[1]),
    queue.acceptSoon('g2', text('u', 'two', 'g2')[1]),
    queue.acceptSoon('g1', text('u', 'one', 'g1')[1]),
  ]);
  expect(results).toEqual(['accepted', 'accepted', 'duplicate']);
  expect(await queue.acceptSoon('g2', text('u', 'two', 'g2')[1])).toBe('duplicate');
  expect(queue.pendingInbox().map((i) => (i.message.type === 'text' ? i.message.text : ''))).toEqual(['one', 'two']);
});
