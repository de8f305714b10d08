/**
 * The intent loader: shipped intents are valid and complete; broken intent files fail with
 * one error that names every problem's file and intent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { checkHandlersCover, exampleKey, IntentValidationError, loadIntents } from '../../src/nlu/intents.ts';
import type { IntentProblem } from '../../src/nlu/intents.ts';
import { INTENT_NAMES } from '../../src/core/intent-names.ts';

const INTENTS_DIR = join(import.meta.dirname, '..', '..', 'intents');

/** The intent names the router has one handler for. */
const REQUIRED_INTENTS = INTENT_NAMES;

const tempDirs: string[] = [];

/** Writes the given files into a fresh temporary intents directory. */
function intentsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'intents-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, 'utf8');
  return dir;
}

/** YAML for one intent with `count` distinct examples (prefix keeps them unique across intents). */
function intentYaml(name: string, prefix: string, count = 5, extra = ''): string {
  const examples = Array.from({ length: count }, (_, i) => `      - ${prefix} mẫu số ${i + 1}`).join('\n');
  return `  - name: ${name}\n    description: intent ${name}\n    examples:\n${examples}\n${extra}`;
}

function problemsOf(dir: string): readonly IntentProblem[] {
  try {
    loadIntents(dir);
  } catch (error) {
    if (error instanceof IntentValidationError) return error.problems;
    throw error;
  }
  return [];
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('shipped intents', () => {
  const intents = loadIntents(INTENTS_DIR);

  test('load without problems', () => {
    expect(intents.length).toBe(REQUIRED_INTENTS.length);
  });

  test.each(REQUIRED_INTENTS)('%s is defined', (name) => {
    expect(intents.map((i) => i.name)).toContain(name);
  });

  test.each(REQUIRED_INTENTS)('%s has 25–80 examples', (name) => {
    const intent = intents.find((i) => i.name === name);
    expect(intent?.examples.length).toBeGreaterThanOrEqual(25);
    expect(intent?.examples.length).toBeLessThanOrEqual(80);
  });

  test('every intent has examples both with and without diacritics', () => {
    for (const intent of intents) {
      const plain = intent.examples.filter((e) => exampleKey(e) === e.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim());
      expect(plain.length, intent.name).toBeGreaterThan(0);
      expect(plain.length, intent.name).toBeLessThan(intent.examples.length);
    }
  });

  test.each(['greeting', 'help'])('%s answers with a menu of "#menu:" buttons', (name) => {
    const response = intents.find((i) => i.name === name)?.responses[0];
    expect(response?.text).toMatch(/^Dạ, .*anh\/chị/s);
    const payloads = response?.buttons?.map((b) => b.payload) ?? [];
    expect(payloads).toEqual(expect.arrayContaining(['#menu:tthc', '#menu:plan', '#menu:agency', '#menu:quiz', '#menu:handoff']));
  });

  test.each(['thanks', 'goodbye', 'out_of_scope'])('%s has a fixed reply in the assistant\'s voice', (name) => {
    const response = intents.find((i) => i.name === name)?.responses[0];
    expect(response?.text).toMatch(/^Dạ, .*anh\/chị/s);
  });

  test('the out_of_scope reply says what the assistant can help with', () => {
    const text = intents.find((i) => i.name === 'out_of_scope')?.responses[0]?.text ?? '';
    expect(text).toMatch(/thủ tục/);
    expect(text).toMatch(/kế hoạch/);
  });

  test('the handlers for exactly the required names cover the shipped intents', () => {
    expect(checkHandlersCover(intents, REQUIRED_INTENTS)).toEqual([]);
  });
});

describe('loadIntents validation', () => {
  test('accepts a minimal valid directory and records each intent\'s file', () => {
    const dir = intentsDir({ 'a.yaml': `intents:\n${intentYaml('alpha', 'alpha')}${intentYaml('beta', 'beta')}` });
    const intents = loadIntents(dir);
    expect(intents.map((i) => [i.name, i.file, i.responses])).toEqual([
      ['alpha', 'a.yaml', []],
      ['beta', 'a.yaml', []],
    ]);
  });

  test('an example under two intents (same after folding diacritics and punctuation) names both files and intents', () => {
    const dir = intentsDir({
      'one.yaml': `intents:\n${intentYaml('alpha', 'alpha')}      - Đăng ký khai sinh ở đâu?\n`,
      'two.yaml': `intents:\n${intentYaml('beta', 'beta')}      - dang ky  khai sinh o dau\n`,
    });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'two.yaml', intent: 'beta' });
    expect(problems[0]?.message).toContain('two.yaml: intent "beta"');
    expect(problems[0]?.message).toContain('"alpha" (one.yaml)');
  });

  test('the same example twice in one intent, with and without diacritics, is reported', () => {
    const dir = intentsDir({ 'a.yaml': `intents:\n${intentYaml('alpha', 'alpha')}      - xin chào\n      - xin chao\n${intentYaml('beta', 'beta')}` });
    const problems = problemsOf(dir);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^a\.yaml: intent "alpha": example "xin chao" repeats "xin chào"/)]);
  });

  test('fewer than 5 examples names the file and intent', () => {
    const dir = intentsDir({ 'few.yaml': `intents:\n${intentYaml('alpha', 'alpha', 3)}${intentYaml('beta', 'beta')}` });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^few\.yaml: intent "alpha": has 3 examples; at least 5/);
  });

  test('bad YAML names the file', () => {
    const dir = intentsDir({
      'good.yaml': `intents:\n${intentYaml('alpha', 'alpha')}`,
      'broken.yaml': 'intents:\n  - name: beta\n    examples: [unclosed\n',
    });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe('broken.yaml');
    expect(problems[0]?.message).toMatch(/^broken\.yaml: bad YAML/);
  });

  test('an unknown field names the file, the intent and the field', () => {
    const dir = intentsDir({ 'a.yaml': `intents:\n${intentYaml('alpha', 'alpha', 5, '    exampels: []\n')}${intentYaml('beta', 'beta')}` });
    const problems = problemsOf(dir);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^a\.yaml: intent "alpha": unknown field "exampels"/)]);
  });

  test('a duplicate intent name names both files', () => {
    const dir = intentsDir({
      'a.yaml': `intents:\n${intentYaml('alpha', 'first')}`,
      'b.yaml': `intents:\n${intentYaml('alpha', 'second')}`,
    });
    const problems = problemsOf(dir);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^b\.yaml: intent "alpha": duplicate intent name \(already defined in a\.yaml\)/)]);
  });

  test('every problem in every file is reported at once', () => {
    const dir = intentsDir({
      'a.yaml': `intents:\n${intentYaml('alpha', 'alpha', 2)}${intentYaml('Bad Name', 'bad')}`,
      'b.yaml': 'intents: [',
      'c.yaml': `intents:\n${intentYaml('gamma', 'gamma', 5, '    responses:\n      - text: ""\n')}`,
    });
    const problems = problemsOf(dir);
    expect(problems.map((p) => p.file)).toEqual(['a.yaml', 'a.yaml', 'b.yaml', 'c.yaml']);
    let thrown: unknown;
    try {
      loadIntents(dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IntentValidationError);
    expect((thrown as Error).message).toContain('4 problems');
  });

  test('a file without a top-level intents list is reported', () => {
    const dir = intentsDir({ 'a.yaml': '- name: alpha\n' });
    expect(problemsOf(dir)[0]?.message).toMatch(/^a\.yaml: expected a top-level "intents:" list/);
  });

  test('an empty directory is an error, not an empty assistant', () => {
    expect(problemsOf(intentsDir({}))[0]?.message).toMatch(/no \.yaml intent files/);
  });
});

describe('checkHandlersCover', () => {
  const intents = [
    { name: 'greeting', description: 'd', examples: [], responses: [], file: 'conversation.yaml' },
    { name: 'quiz', description: 'd', examples: [], responses: [], file: 'quiz.yaml' },
  ];

  test.each([
    { handlers: ['greeting', 'quiz'], expected: [] },
    { handlers: ['greeting'], expected: ['quiz.yaml: intent "quiz": has no handler — add one to the router'] },
    {
      handlers: ['greeting', 'quiz', 'weather'],
      expected: ['(router): handler "weather" has no intent in intents/*.yaml — it can never be reached'],
    },
  ])('handlers $handlers', ({ handlers, expected }) => {
    expect(checkHandlersCover(intents, handlers).map((p) => p.message)).toEqual(expected);
  });
});
