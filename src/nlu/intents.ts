/**
 * Intents as data (Rasa-style): the YAML files in `intents/` declare every intent the
 * assistant knows, with training examples and, where the reply never changes, the reply
 * itself. This module is the single gate between those files and the code: it validates
 * everything up front and fails with one error that lists every problem, so a broken
 * intent file stops the build or the start-up instead of silently degrading answers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { foldDiacritics } from './vietnamese.ts';

/** Fewer examples than this cannot teach the classifier an intent. */
export const MIN_EXAMPLES = 5;

/** A quick-reply button; `payload` comes back to the router when the user taps it. */
export const IntentButtonSchema = z.strictObject({
  title: z.string().trim().min(1),
  /** Menu payloads are prefixed "#menu:" (e.g. "#menu:tthc") so the router can tell them from typed text. */
  payload: z.string().trim().min(1),
});
export type IntentButton = z.infer<typeof IntentButtonSchema>;

/** One fixed reply message; several are sent in order. */
export const IntentResponseSchema = z.strictObject({
  text: z.string().trim().min(1),
  buttons: z.array(IntentButtonSchema).max(5).optional(),
});
export type IntentResponse = z.infer<typeof IntentResponseSchema>;

/** What one intent looks like in YAML; unknown fields are errors (typos must not pass). */
export const IntentSchema = z.strictObject({
  /** snake_case; the router maps it to exactly one handler. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case (a-z, 0-9, _)'),
  description: z.string().trim().min(1),
  examples: z.array(z.string().trim().min(1, 'an example is empty')),
  /** Fixed replies (greeting, help, thanks, goodbye, out_of_scope); empty for intents a handler answers. */
  responses: z.array(IntentResponseSchema).default([]),
});

/** One validated intent, with the file it came from so later checks can point at it. */
export interface IntentDefinition {
  name: string;
  description: string;
  examples: string[];
  responses: IntentResponse[];
  /** File name (not path) inside the intents directory, e.g. "plans.yaml". */
  file: string;
}

/** One thing wrong with the intent data, phrased so a maintainer can fix it without the code. */
export interface IntentProblem {
  file: string;
  /** The intent concerned, when the problem belongs to one. */
  intent?: string;
  /** Full sentence naming the file and the intent. */
  message: string;
}

/**
 * Thrown by {@link loadIntents} with every problem found, not just the first: fixing
 * intent files one error per run is slow.
 */
export class IntentValidationError extends Error {
  readonly problems: readonly IntentProblem[];

  constructor(problems: readonly IntentProblem[]) {
    super(
      `Intent definitions are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
    this.name = 'IntentValidationError';
    this.problems = problems;
  }
}

const FileSchema = z.strictObject({ intents: z.array(z.unknown()) });

/**
 * The form two examples are compared in: folded diacritics, punctuation and runs of
 * whitespace collapsed. "Xin chào!" and "xin chao" are the same example.
 */
export function exampleKey(text: string): string {
  return foldDiacritics(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function problem(file: string, intent: string | undefined, text: string): IntentProblem {
  const where = intent === undefined ? file : `${file}: intent "${intent}"`;
  return intent === undefined ? { file, message: `${where}: ${text}` } : { file, intent, message: `${where}: ${text}` };
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const fields = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${fields}${path ? ` in ${path}` : ''}`;
    }
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

function intentLabel(raw: unknown, index: number): string {
  if (typeof raw === 'object' && raw !== null && 'name' in raw) {
    const name = (raw as { name: unknown }).name;
    if (typeof name === 'string' && name.trim() !== '') return name;
  }
  return `#${index + 1}`;
}

/** Parses one file's text into intents, pushing problems instead of throwing. */
function parseIntentFile(file: string, text: string, problems: IntentProblem[]): IntentDefinition[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/:\s*$/, '');
    problems.push(problem(file, undefined, `bad YAML: ${reason}`));
    return [];
  }
  const top = FileSchema.safeParse(doc);
  if (!top.success) {
    for (const issue of describeIssues(top.error)) {
      problems.push(problem(file, undefined, `expected a top-level "intents:" list — ${issue}`));
    }
    return [];
  }
  const out: IntentDefinition[] = [];
  top.data.intents.forEach((raw, index) => {
    const label = intentLabel(raw, index);
    const parsed = IntentSchema.safeParse(raw);
    const examples = typeof raw === 'object' && raw !== null && 'examples' in raw ? raw.examples : undefined;
    if (Array.isArray(examples) && examples.length < MIN_EXAMPLES) {
      problems.push(problem(file, label, `has ${examples.length} examples; at least ${MIN_EXAMPLES} are needed`));
    }
    if (!parsed.success) {
      for (const issue of describeIssues(parsed.error)) problems.push(problem(file, label, issue));
      return;
    }
    out.push({ ...parsed.data, file });
  });
  return out;
}

/**
 * Cross-intent checks: duplicate names, and the same example (after folding) twice,
 * whether under two intents (the classifier cannot learn both) or twice in one (it
 * leaks between cross-validation folds and inflates the report).
 */
function crossCheck(intents: readonly IntentDefinition[], problems: IntentProblem[]): void {
  const byName = new Map<string, IntentDefinition>();
  for (const intent of intents) {
    const first = byName.get(intent.name);
    if (first) {
      problems.push(
        problem(intent.file, intent.name, `duplicate intent name (already defined in ${first.file})`),
      );
    } else {
      byName.set(intent.name, intent);
    }
  }
  const seen = new Map<string, { intent: IntentDefinition; example: string }>();
  for (const intent of intents) {
    for (const example of intent.examples) {
      const key = exampleKey(example);
      const prior = seen.get(key);
      if (!prior) {
        seen.set(key, { intent, example });
      } else if (prior.intent === intent) {
        const how = prior.example === example ? 'is listed twice' : `repeats "${prior.example}" once diacritics and punctuation are ignored, so it teaches nothing new`;
        problems.push(problem(intent.file, intent.name, `example "${example}" ${how}`));
      } else {
        problems.push(
          problem(
            intent.file,
            intent.name,
            `example "${example}" is also under intent "${prior.intent.name}" (${prior.intent.file}) — an example may belong to one intent only`,
          ),
        );
      }
    }
  }
}

/**
 * Loads and validates every `*.yaml` / `*.yml` file in `dir` (sorted by name, so the
 * result is deterministic). Throws {@link IntentValidationError} listing all problems:
 * bad YAML, unknown fields, too few examples, an example under two intents, duplicate
 * intent names.
 *
 * @example
 * const intents = loadIntents('intents');
 * const classifier = IntentClassifier.train(intents);
 */
export function loadIntents(dir: string): IntentDefinition[] {
  const problems: IntentProblem[] = [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/i.test(f))
      .sort();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IntentValidationError([problem(basename(dir), undefined, `cannot read the intents directory: ${reason}`)]);
  }
  if (files.length === 0) {
    throw new IntentValidationError([problem(basename(dir), undefined, 'no .yaml intent files found')]);
  }
  const intents: IntentDefinition[] = [];
  for (const file of files) {
    intents.push(...parseIntentFile(file, readFileSync(join(dir, file), 'utf8'), problems));
  }
  crossCheck(intents, problems);
  if (problems.length > 0) throw new IntentValidationError(problems);
  return intents;
}

/**
 * Start-up check that intents and handlers match one to one: an intent without a
 * handler would be classified and then dropped; a handler without an intent can never
 * run. Returns the problems (empty when all is well) so the caller decides to throw.
 */
export function checkHandlersCover(
  intents: readonly IntentDefinition[],
  handlerNames: readonly string[],
): IntentProblem[] {
  const problems: IntentProblem[] = [];
  const handlers = new Set(handlerNames);
  const names = new Set<string>();
  for (const intent of intents) {
    names.add(intent.name);
    if (!handlers.has(intent.name)) {
      problems.push(problem(intent.file, intent.name, 'has no handler — add one to the router'));
    }
  }
  for (const handler of handlers) {
    if (!names.has(handler)) {
      problems.push({
        file: '(router)',
        intent: handler,
        message: `(router): handler "${handler}" has no intent in intents/*.yaml — it can never be reached`,
      });
    }
  }
  return problems;
}
