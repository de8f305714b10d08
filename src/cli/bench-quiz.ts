/**
 * Quiz section of `npm run bench`: one trainer session with N simulated learners (200 by
 * default) over real HTTP on 127.0.0.1, in one process with the real clock.
 *   - question 1: every learner answers within one second (random moments in [0, 1000) ms);
 *     the question closes when the last answer arrives;
 *   - question 2: 95 % answer, so it closes at its deadline (the timer path).
 * Reported: answers accepted and stored (none may be lost), answer latency p50/p95/max
 * against a baseline (GET /api/quiz/topics at the same concurrency, same process), and how
 * long after each question closed the trainer console's event stream delivered the full
 * leaderboard. Figures, not a pass/fail gate; the run stops by itself.
 *
 * usage: npm run bench (section "Quiz"), or alone: npx tsx src/cli/bench-quiz.ts [--participants 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../core/logger.ts';
import { createServer } from '../http/server.ts';
import { createQuizRouter } from '../http/quiz-api.ts';
import { openDatabase } from '../storage/database.ts';
import { QuizSessionRepository } from '../storage/quiz-session-repository.ts';
import { QUIZ_TOPICS, type QuizQuestion } from '../quiz/schema.ts';
import { createQuizService } from '../quiz/session-service.ts';

export interface QuizBenchOptions {
  out: (line?: string) => void;
  participants?: number;
  /** The real bank when there is one; synthetic questions otherwise (timing does not depend on wording). */
  questions?: readonly QuizQuestion[];
  /** Seconds per question (the deadline of question 2). */
  secondsPerQuestion?: number;
}

export interface QuizBenchResult {
  participants: number;
  accepted: number;
  stored: number;
  lost: number;
  answerP50: number;
  answerP95: number;
  answerMax: number;
  baselineP95: number;
  /** Console leaderboard received after the question closed (ms): early close, deadline close. */
  leaderboardAfterCloseMs: number;
  leaderboardAfterDeadlineMs: number;
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function syntheticQuestions(n: number): QuizQuestion[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `bench-${i}`,
    stem: `Câu hỏi đo tải số ${i}?`,
    options: ['Một', 'Hai', 'Ba', 'Bốn'],
    correct: i % 4,
    explanation: 'Câu hỏi tổng hợp cho phép đo tải.',
    source: { doc: '001', section: '', lines: [1, 1] as [number, number] },
    topic: QUIZ_TOPICS[i % QUIZ_TOPICS.length]!,
    difficulty: 'easy' as const,
    origin: 'generated' as const,
    kind: 'bench',
  }));
}

interface ConsoleView {
  status: string;
  current?: { position: number; closed: boolean };
  leaderboard: unknown[];
}

/** Reads the console's event stream and notes when each question's closed view arrives. */
async function watchConsole(url: string, signal: AbortSignal, onView: (view: ConsoleView, at: number) => void): Promise<void> {
  const res = await fetch(url, { signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = performance.now();
      buffered += decoder.decode(value, { stream: true });
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop()!;
      for (const block of blocks) {
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) onView(JSON.parse(data.slice(6)) as ConsoleView, at);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

export async function benchQuiz(options: QuizBenchOptions): Promise<QuizBenchResult> {
  const out = options.out;
  const n = options.participants ?? 200;
  const seconds = options.secondsPerQuestion ?? 5;
  const real = (options.questions?.length ?? 0) >= 2;
  const questions = real ? options.questions! : syntheticQuestions(10);
  const dir = mkdtempSync(join(tmpdir(), 'bg-bench-quiz-'));
  const db = openDatabase(join(dir, 'assistant.db'));
  const logger = createLogger('warn');
  const quiz = createQuizService({ db, questions, documents: new Map(), logger });
  const app = createServer({ dialogue: () => undefined, logger, messageMaxChars: 1000, routers: [createQuizRouter({ quiz: () => quiz, logger })] });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const controller = new AbortController();
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  try {
    const created = await post('/api/quiz/sessions', { title: 'Bench', topic: 'all', questionCount: 2, secondsPerQuestion: seconds });
    const sessionId = String(created.body.id);
    const code = String(created.body.code);

    const t0 = performance.now();
    const tokens: string[] = [];
    for (let start = 0; start < n; start += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, n - start) }, (_, i) => post('/api/quiz/join', { code, name: `Học viên ${start + i + 1}` })));
      for (const j of batch) tokens.push(String(j.body.token));
    }
    const joinMs = performance.now() - t0;

    // Server-side close moments, and the console stream's arrival of each closed view.
    const closedAt = new Map<number, number>();
    quiz.engine.subscribe(sessionId, (e) => {
      if (e.type === 'question_closed' && e.position !== undefined) closedAt.set(e.position, performance.now());
    });
    const boardAt = new Map<number, number>();
    const consoleDone = watchConsole(`${base}/api/quiz/sessions/${sessionId}/events`, controller.signal, (view, at) => {
      if (view.current?.closed && view.leaderboard.length === n && !boardAt.has(view.current.position)) boardAt.set(view.current.position, at);
    });

    // Warm-up, then the baseline: the same traffic (n requests at random moments within one second) to a light endpoint.
    for (let i = 0; i < 50; i++) await (await fetch(`${base}/api/quiz/topics`)).arrayBuffer();
    const baseline = await Promise.all(
      Array.from({ length: n }, async () => {
        await sleep(Math.random() * 1000);
        const t = performance.now();
        const res = await fetch(`${base}/api/quiz/topics`);
        await res.arrayBuffer();
        return performance.now() - t;
      }),
    );

    await post(`/api/quiz/sessions/${sessionId}/start`, {});
    const answerOnce = async (token: string, number: number, delay: number) => {
      await sleep(delay);
      const t = performance.now();
      const r = await post('/api/quiz/answer', { token, choice: Math.floor(Math.random() * 4), number });
      return { ms: performance.now() - t, status: String(r.body.status) };
    };
    const q1Start = performance.now();
    const q1 = await Promise.all(tokens.map((token) => answerOnce(token, 1, Math.random() * 1000)));
    const q1Span = performance.now() - q1Start;
    for (let i = 0; i < 100 && !boardAt.has(0); i++) await sleep(10);

    // Question 2: 95 % answer; the timer closes it at the deadline.
    await post(`/api/quiz/sessions/${sessionId}/next`, {});
    const deadline2 = Number((quiz.engine.trainerView(sessionId)!.current?.deadline ?? 0) - quiz.clock.now()) + performance.now();
    const answering = tokens.slice(0, Math.floor(n * 0.95));
    const q2 = await Promise.all(answering.map((token) => answerOnce(token, 2, Math.random() * 1000)));
    for (let i = 0; i < (seconds + 3) * 100 && !boardAt.has(1); i++) await sleep(10);

    const accepted = [...q1, ...q2].filter((r) => r.status === 'accepted').length;
    const stored = new QuizSessionRepository(db).answers(sessionId).length;
    const sent = q1.length + q2.length;
    const latencies = [...q1, ...q2].map((r) => r.ms);
    const result: QuizBenchResult = {
      participants: n,
      accepted,
      stored,
      lost: sent - stored,
      answerP50: percentile(latencies, 50),
      answerP95: percentile(latencies, 95),
      answerMax: Math.max(...latencies),
      baselineP95: percentile(baseline, 95),
      leaderboardAfterCloseMs: (boardAt.get(0) ?? NaN) - (closedAt.get(0) ?? NaN),
      leaderboardAfterDeadlineMs: (boardAt.get(1) ?? NaN) - deadline2,
    };

    out(`Quiz — trainer session with ${n} simulated learners over HTTP (${real ? `${questions.length} bank questions` : 'synthetic questions: no bank given'})`);
    out(`joins: ${n} in ${Math.round(joinMs)} ms`);
    out(`question 1: ${q1.length} answers sent within ${Math.round(q1Span)} ms, ${q1.filter((r) => r.status === 'accepted').length} accepted; closed when the last arrived`);
    out(`question 2: ${q2.length} answers (${n - q2.length} silent), ${q2.filter((r) => r.status === 'accepted').length} accepted; closed by its ${seconds} s timer`);
    out(`answers stored: ${stored}/${sent} — lost: ${result.lost}`);
    out(
      `answer latency: p50 ${result.answerP50.toFixed(1)} ms · p95 ${result.answerP95.toFixed(1)} ms · max ${result.answerMax.toFixed(1)} ms ` +
        `(baseline GET /api/quiz/topics, same traffic: p95 ${result.baselineP95.toFixed(1)} ms; ratio ${(result.answerP95 / Math.max(0.001, result.baselineP95)).toFixed(2)}×)`,
    );
    out(`console leaderboard (${n} rows) received ${result.leaderboardAfterCloseMs.toFixed(1)} ms after question 1 closed, ${result.leaderboardAfterDeadlineMs.toFixed(1)} ms after question 2's deadline`);
    return result;
  } finally {
    controller.abort();
    quiz.stop();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--participants');
  benchQuiz({ out: (s = '') => process.stdout.write(s + '\n'), participants: i > 0 ? Number(process.argv[i + 1]) : 200 }).catch((error: unknown) => {
    process.stderr.write(`bench-quiz: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
