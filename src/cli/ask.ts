/**
 * Ask the assistant from the command line (design.md §4):
 *   npm run --silent ask -- "câu hỏi"                 the answer as a person reads it
 *   npm run --silent ask -- --json "câu hỏi"          one JSON object
 *   npm run --silent ask -- --json --batch FILE.jsonl one JSON object per input line, in order
 * In --json mode nothing but the answers goes to stdout; logs go to stderr.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { createLogger } from '../core/logger.ts';
import { createAssistant } from '../app.ts';
import { replyText, type Reply } from '../core/messages.ts';

interface AskArgs {
  json: boolean;
  batch?: string;
  question: string;
}

function parseArgs(argv: string[]): AskArgs {
  const args: AskArgs = { json: false, question: '' };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--batch') {
      const file = argv[++i];
      if (!file) throw new Error('--batch needs a file: --batch questions.jsonl');
      args.batch = file;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run --silent ask -- [--json] [--batch FILE.jsonl] "câu hỏi"\n');
      process.exit(0);
    } else words.push(a);
  }
  args.question = words.join(' ');
  if (!args.batch && !args.question.trim()) throw new Error('no question given: npm run --silent ask -- "câu hỏi"');
  return args;
}

export function contractJson(id: unknown, reply: Reply) {
  return {
    id,
    answer: replyText(reply),
    intent: reply.intent,
    sources: reply.sources.map((s) => ({ doc: s.doc, title: s.title, section: s.section, date: s.date, lines: s.lines })),
    confidence: Math.round(reply.confidence * 1000) / 1000,
    ...(reply.frame ? { frame: reply.frame } : {}),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const assistant = await createAssistant(config, { logger });
  const ask = (text: string, userId: string) =>
    assistant.dialogue.handle({ type: 'text', channel: 'cli', userId, text, receivedAt: Date.now() });
  try {
    if (args.batch) {
      const lines = readFileSync(args.batch, 'utf8').split('\n').filter((l) => l.trim());
      for (const [n, line] of lines.entries()) {
        let item: { id?: unknown; q?: unknown };
        try {
          item = JSON.parse(line) as { id?: unknown; q?: unknown };
        } catch {
          process.stdout.write(JSON.stringify({ id: null, error: `line ${n + 1} is not JSON` }) + '\n');
          continue;
        }
        if (typeof item.q !== 'string' || !item.q.trim()) {
          process.stdout.write(JSON.stringify({ id: item.id ?? null, error: `line ${n + 1} has no "q" text` }) + '\n');
          continue;
        }
        const reply = await ask(item.q, `batch-${n}`);
        const out = contractJson(item.id ?? null, reply);
        process.stdout.write((args.json ? JSON.stringify(out) : `${out.answer}\n---`) + '\n');
      }
      return;
    }
    const reply = await ask(args.question, 'cli');
    process.stdout.write((args.json ? JSON.stringify(contractJson(null, reply)) : replyText(reply)) + '\n');
  } finally {
    assistant.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ask: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
