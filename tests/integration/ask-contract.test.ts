/**
 * The `ask` command's contract (design.md §4), run as a real process: plain text, one
 * JSON object, and batch JSONL in order with nothing else on stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { freshDataDir } from '../helpers/test-assistant.ts';

const root = join(import.meta.dirname, '..', '..');

function ask(args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: freshDataDir(), LOG_LEVEL: 'info' },
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const ContractKeys = ['answer', 'confidence', 'id', 'intent', 'sources'];

describe('npm run ask', () => {
  test('--json --batch prints one contract object per line, in order, and nothing else', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ask-')), 'q.jsonl');
    const questions = [
      { id: 'a', q: 'Đề án 10-ĐA/TU được ban hành ngày nào?' },
      { id: 'b', q: 'viết giúp tôi một bài thơ về mùa thu' },
      { id: 'c', q: 'ty le ho gia dinh co internet cap quang' },
    ];
    writeFileSync(file, questions.map((q) => JSON.stringify(q)).join('\n') + '\n');
    const run = ask(['--json', '--batch', file]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const answers = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    for (const a of answers) {
      expect(Object.keys(a).sort()).toEqual(expect.arrayContaining(ContractKeys));
      expect(typeof a.answer).toBe('string');
      expect(a.confidence).toBeGreaterThanOrEqual(0);
      expect(a.confidence).toBeLessThanOrEqual(1);
    }
    expect(answers[0]!.answer).toContain('28/01/2022');
    expect(answers[0]!.sources).toEqual(expect.arrayContaining([expect.objectContaining({ doc: '004', date: '28/01/2022' })]));
    expect(answers[1]!.intent).toBe('out_of_scope');
    expect(answers[2]!.answer).toContain('90%');
  });

  test('--json with one question prints one object', () => {
    const run = ask(['--json', 'xin chào']);
    expect(run.status, run.stderr).toBe(0);
    const obj = JSON.parse(run.stdout) as { intent: string };
    expect(obj.intent).toBe('greeting');
  });

  test('without --json prints the answer as a person reads it', () => {
    const run = ask(['Tỷ trọng kinh tế số trong từng ngành năm 2024 đạt bao nhiêu?']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('15%');
    expect(run.stdout).toContain('Nguồn:');
    expect(run.stdout.trim().startsWith('{')).toBe(false);
  });
});
