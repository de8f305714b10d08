/**
 * Scores a question set with every question's diacritics removed, next to the score as typed:
 *   npx tsx src/cli/eval-folded.ts [--set ../shared/eval/dev-v2.jsonl] [--lower] [--show-fails]
 *
 * Why: people on phones type without a Vietnamese keyboard; "within 5 points of the score
 * as typed" is the bar (issue 9). The folded copy goes to a temp JSONL and is scored by
 * `../shared/eval/score.mjs` itself, so the two numbers are judged the same way.
 * Case is kept (only diacritics go, đ → d) unless `--lower` is given.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Strips tone and quality marks and turns đ/Đ into d/D; case is kept. */
export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/[ĐÐ]/g, 'D');
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
  };
  const set = resolve(opt('--set', '../shared/eval/dev-v2.jsonl'));
  const scorer = resolve(opt('--scorer', '../shared/eval/score.mjs'));
  const lower = args.includes('--lower');
  const extra = args.includes('--show-fails') ? ['--show-fails'] : [];
  const lines = readFileSync(set, 'utf8').split('\n').filter((l) => l.trim());
  const folded = lines.map((line) => {
    const item = JSON.parse(line) as { q?: unknown };
    if (typeof item.q === 'string') {
      const q = stripDiacritics(item.q);
      item.q = lower ? q.toLowerCase() : q;
    }
    return JSON.stringify(item);
  });
  const out = join(mkdtempSync(join(tmpdir(), 'folded-')), 'folded.jsonl');
  writeFileSync(out, folded.join('\n') + '\n');
  for (const [label, file] of [['as typed', set], [lower ? 'folded, lower-cased' : 'folded', out]] as const) {
    process.stdout.write(`== ${label}: ${file}\n`);
    const run = spawnSync('node', [scorer, '--set', file, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(run.stdout ?? '');
  }
}

main();
