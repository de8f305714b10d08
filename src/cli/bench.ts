/**
 * `npm run bench`: speed, memory and accuracy, measured in one run and printed side by side.
 *   - index build time for the documents in knowledge/ (fresh DATA_DIR)
 *   - server readiness with the index built (everything createAssistant does)
 *   - answer latency p50/p95 over the dev questions after warm-up, in-process
 *   - RSS after load
 *   - dev-set accuracy and latency of (a) this assistant (hybrid), (b) lexical-only,
 *     (c) MiniSearch with default settings over the same chunks, (d) the dev questions
 *     with their diacritics removed
 * Ratios are against baselines run in the same process; nothing here is a pass/fail gate.
 *
 *   - the Zalo OA webhook under autocannon load: acknowledgement p50/p99, messages/s, lost
 *     and duplicated replies at a fake OA API (src/cli/bench-zalo.ts); then the fault run: a dead
 *     token set back, -32 bursts, replays, kill -9 during sends, -211 — lost, duplicated and
 *     parked replies (src/cli/bench-faults.ts)
 *   - a quiz session with 200 learners answering within one second: answers lost, answer
 *     latency against a baseline, console leaderboard delay after each close (src/cli/bench-quiz.ts)
 * usage: npm run bench [-- --set path/to/questions.jsonl] [--rounds 3] [--zalo-messages 10000] [--quiz-participants 200]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import { loadConfig, type AppConfig } from '../config.ts';
import { createLogger } from '../core/logger.ts';
import { createAssistant, type Assistant } from '../app.ts';
import { replyText } from '../core/messages.ts';
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { citationLine, sourceRefOf, truncateAtWord } from '../answer/compose-answer.ts';
import { benchZalo } from './bench-zalo.ts';
import { benchQuiz } from './bench-quiz.ts';
import { benchFaults } from './bench-faults.ts';

interface DevQuestion {
  id: string;
  kind: string;
  q: string;
  must?: string[][];
  must_not?: string[][];
  oos?: boolean;
  expect?: 'answer' | 'decline' | 'unknown';
}

interface Answered {
  answer: string;
  intent: string;
}

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const setFile = resolve(opt('--set', '../shared/eval/dev-questions.jsonl'));
/** The harder set (documents named, attributes a row lacks, counts, refusals), scored per kind. */
const harderSetFile = resolve(opt('--set2', join(dirname(setFile), 'dev-v2.jsonl')));
const rounds = Number(opt('--rounds', '3'));
const out = (s = '') => process.stdout.write(s + '\n');

/** The dev-set rule of shared/eval/score.mjs, used when the scorer cannot be loaded. */
const fold = (s: string) => foldDiacritics(s).replace(/\s+/g, ' ').trim();
function localJudge(q: DevQuestion, a: Answered): string | null {
  const declined = a.intent === 'out_of_scope';
  if (q.oos || q.expect === 'decline') return declined ? null : 'not declined';
  const limit = q.kind === 'agency_tasks' || q.kind === 'citizen' ? 2000 : 1200;
  return !declined && a.answer.length <= limit && (q.must ?? []).every((g) => g.some((alt) => fold(a.answer).includes(fold(alt)))) ? null : 'fails';
}

/** The scorer's own judge (shared/eval/score.mjs next to the question set), so bench accuracy is the scorer's. */
let judge: (q: DevQuestion, a: Answered) => string | null = localJudge;
async function loadJudge(): Promise<void> {
  const scorer = join(dirname(setFile), 'score.mjs');
  if (!existsSync(scorer)) return;
  const mod = (await import(pathToFileURL(scorer).href)) as { judge?: typeof judge };
  if (mod.judge) judge = mod.judge;
}
const passes = (q: DevQuestion, a: Answered) => judge(q, a) === null;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timeAnswers(questions: DevQuestion[], answer: (q: string) => Promise<Answered>) {
  for (const q of questions.slice(0, 5)) await answer(q.q); // warm-up
  const latencies: number[] = [];
  const results = new Map<string, Answered>();
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t = performance.now();
      const a = await answer(q.q);
      latencies.push(performance.now() - t);
      if (r === 0) results.set(q.id, a);
    }
  }
  const passed = questions.filter((q) => passes(q, results.get(q.id)!)).length;
  const byKind = new Map<string, { pass: number; all: number }>();
  for (const q of questions) {
    const k = byKind.get(q.kind) ?? { pass: 0, all: 0 };
    k.all += 1;
    if (passes(q, results.get(q.id)!)) k.pass += 1;
    byKind.set(q.kind, k);
  }
  return { accuracy: passed / questions.length, passed, byKind, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

function dialogueAnswerer(assistant: Assistant) {
  let n = 0;
  return async (text: string): Promise<Answered> => {
    const reply = await assistant.dialogue.handle({ type: 'text', channel: 'cli', userId: `bench-${n++}`, text, receivedAt: Date.now() });
    return { answer: replyText(reply), intent: reply.intent };
  };
}

/** MiniSearch with default options over the same chunks: the top chunk is the answer. */
function miniSearchAnswerer(assistant: Assistant) {
  const mini = new MiniSearch<{ id: number; text: string }>({ fields: ['text'] });
  mini.addAll(assistant.kb.chunks.map((c, id) => ({ id, text: c.text })));
  return async (text: string): Promise<Answered> => {
    const [top] = mini.search(text);
    if (!top) return { answer: 'Không tìm thấy.', intent: 'plan_question' };
    const chunk = assistant.kb.chunks[top.id as number]!;
    const doc = assistant.kb.documents.get(chunk.docId)!;
    const ref = sourceRefOf({ chunk, doc, score: 0, lexicalScore: 0, vectorScore: 0, coverage: 0 });
    return { answer: `${truncateAtWord(chunk.text, assistant.config.answer.maxChars)}\n\n${citationLine(ref)}`, intent: 'plan_question' };
  };
}

function readQuestions(file: string): DevQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DevQuestion)
    .filter((q) => !('turns' in q));
}

function configFor(dataDir: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra });
}

async function main(): Promise<void> {
  if (!existsSync(setFile)) throw new Error(`question set not found: ${setFile} (use --set FILE.jsonl)`);
  await loadJudge();
  const questions = readQuestions(setFile);
  const logger = createLogger('warn');
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'bg-bench-'));
    dirs.push(d);
    return d;
  };

  try {
    // 1. Index build from scratch.
    const hybridDir = tempDir();
    const built = await createAssistant(configFor(hybridDir), { logger });
    const build = built.buildReport!;
    built.close();

    // 2. Readiness with the index built, then answers.
    const t = performance.now();
    const hybrid = await createAssistant(configFor(hybridDir), { logger });
    const readyMs = performance.now() - t;
    const rss = process.memoryUsage().rss;

    const lexical = await createAssistant(configFor(tempDir(), { SEARCH_VECTOR_WEIGHT: '0' }), { logger, withoutEmbeddings: true });

    const runs = [
      { name: 'hybrid (this assistant)', result: await timeAnswers(questions, dialogueAnswerer(hybrid)) },
      { name: 'lexical only', result: await timeAnswers(questions, dialogueAnswerer(lexical)) },
      { name: 'MiniSearch defaults', result: await timeAnswers(questions, miniSearchAnswerer(hybrid)) },
    ];
    // Issue 3's budget: a lookup (who leads, what an agency leads, a target) in ≤ 50 ms p95.
    const lookupQuestions = questions.filter((q) => ['lead', 'agency_tasks', 'target', 'abbrev'].includes(q.kind));
    const lookups = await timeAnswers(lookupQuestions, dialogueAnswerer(hybrid));
    const inScope = questions.filter((q) => !q.oos);
    const withMarks = await timeAnswers(inScope, dialogueAnswerer(hybrid));
    const folded = await timeAnswers(
      inScope.map((q) => ({ ...q, q: foldDiacritics(q.q) })),
      dialogueAnswerer(hybrid),
    );

    out('Bench — Trợ lý ảo CĐS Bắc Giang');
    out(`question set: ${setFile} (${questions.length} questions, ${rounds} timed rounds after warm-up)`);
    out();
    out(`index build (${build.documents.length} documents, ${build.chunkCount} chunks): ${Math.round(build.millis.total)} ms`);
    out(`  load ${Math.round(build.millis.load)} ms · section ${Math.round(build.millis.section)} ms · embed ${Math.round(build.millis.embed)} ms · write ${Math.round(build.millis.write)} ms`);
    out(`ready with index built: ${Math.round(readyMs)} ms  (${Object.entries(hybrid.startup).map(([k, v]) => `${k} ${v}`).join(' · ')})`);
    out(`RSS after load: ${(rss / 1024 / 1024).toFixed(0)} MiB (hybrid assistant loaded)`);
    out();
    out('system                    accuracy        p50 ms   p95 ms   p95 vs hybrid');
    const base = runs[0]!.result;
    for (const { name, result } of runs) {
      const ratio = base.p95 > 0 ? (result.p95 / base.p95).toFixed(2) : '-';
      out(
        `${name.padEnd(25)} ${`${result.passed}/${questions.length} ${(result.accuracy * 100).toFixed(1)}%`.padEnd(15)} ${result.p50.toFixed(2).padStart(7)}  ${result.p95.toFixed(2).padStart(7)}   ${ratio}×`,
      );
    }
    out();
    out(`record lookups (${lookupQuestions.length} lead/agency/target questions): p50 ${lookups.p50.toFixed(2)} ms, p95 ${lookups.p95.toFixed(2)} ms, ${lookups.passed}/${lookupQuestions.length} correct`);
    out(`in-scope questions with diacritics:    ${withMarks.passed}/${inScope.length} (${(withMarks.accuracy * 100).toFixed(1)}%)`);
    out(`same questions, diacritics removed:    ${folded.passed}/${inScope.length} (${(folded.accuracy * 100).toFixed(1)}%)`);
    out(`gap: ${((withMarks.accuracy - folded.accuracy) * 100).toFixed(1)} points`);
    if (existsSync(harderSetFile)) {
      const harder = readQuestions(harderSetFile);
      const systems = [
        { name: 'hybrid', result: await timeAnswers(harder, dialogueAnswerer(hybrid)) },
        { name: 'lexical', result: await timeAnswers(harder, dialogueAnswerer(lexical)) },
        { name: 'MiniSearch', result: await timeAnswers(harder, miniSearchAnswerer(hybrid)) },
      ];
      const harderFolded = await timeAnswers(harder.map((q) => ({ ...q, q: foldDiacritics(q.q) })), dialogueAnswerer(hybrid));
      out();
      out(`${harderSetFile} (${harder.length} questions), accuracy per kind:`);
      out(`kind            ${systems.map((x) => x.name.padStart(11)).join('')}  hybrid, no diacritics`);
      const kinds = [...systems[0]!.result.byKind.keys()].sort();
      const cell = (r: { byKind: Map<string, { pass: number; all: number }> }, k: string) => {
        const v = r.byKind.get(k) ?? { pass: 0, all: 0 };
        return `${v.pass}/${v.all}`.padStart(11);
      };
      for (const k of kinds) out(`${k.padEnd(16)}${systems.map((x) => cell(x.result, k)).join('')}  ${cell(harderFolded, k)}`);
      out(`${'all'.padEnd(16)}${systems.map((x) => `${(x.result.accuracy * 100).toFixed(1)}%`.padStart(11)).join('')}  ${`${(harderFolded.accuracy * 100).toFixed(1)}%`.padStart(11)}`);
      out(`answer latency on this set: hybrid p50 ${systems[0]!.result.p50.toFixed(2)} ms, p95 ${systems[0]!.result.p95.toFixed(2)} ms; lexical p95 ${systems[1]!.result.p95.toFixed(2)} ms`);
    }
    const quizQuestions = hybrid.quiz.questions();
    hybrid.close();
    lexical.close();
    // Zalo webhook under load (its own server and fake OA; see bench-zalo.ts).
    out();
    await benchZalo({ out, questionsFile: setFile, messages: Number(opt('--zalo-messages', '10000')) });
    // Faults: dead token set back, -32 bursts, replays, kill -9 during sends, -211 (see bench-faults.ts).
    out();
    await benchFaults({ out });
    // Quiz: a trainer session with 200 learners answering within one second (see bench-quiz.ts).
    out();
    await benchQuiz({ out, questions: quizQuestions, participants: Number(opt('--quiz-participants', '200')) });
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
