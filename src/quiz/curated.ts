/**
 * Curated quiz questions: written by people in `knowledge/quiz/*.yaml`, validated strictly
 * here, then checked with every other question when the bank is built.
 *
 * A file holds `questions:`, each with an `id` (kebab-case, unique in the file), the
 * `stem`, the right `answer` and the wrong `distractors` (1–3), an `explanation` quoting
 * the document in “…”, the `source` (`doc`, `section`, `lines: [from, to]`), `topic` and
 * `difficulty`; optionally `evidence` (the words of the cited lines that make the answer
 * right, when the answer is worded differently), `kind`, `recordId`, and
 * `printedDistractors` (wrong options the cited lines do print, about something else).
 *
 * Why answer and distractors instead of options and an index: the author cannot get the
 * index wrong, and the bank shuffles the options anyway (seeded by the question id).
 *
 * Errors name the file and the question ("001-ke-hoach.yaml, câu 3 (id "lgsp"): …"), so
 * whoever edits the data can fix it without reading code. A broken file or question is
 * reported and left out; the rest of the bank still builds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { QUIZ_TOPICS } from './schema.ts';
import type { QuestionDraft } from './generators/common.ts';

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One question as written in a curated file. */
export const CuratedQuestionSchema = z.strictObject({
  id: z.string().regex(KEBAB_ID, 'id phải viết kiểu kebab-case / id must be kebab-case'),
  stem: z.string().trim().min(10),
  answer: z.string().trim().min(1).max(200),
  distractors: z.array(z.string().trim().min(1).max(200)).min(1).max(3),
  evidence: z.string().trim().min(1).optional(),
  printedDistractors: z.array(z.string().trim().min(1)).default([]),
  explanation: z.string().trim().min(1),
  source: z.strictObject({
    doc: z.string().min(1),
    section: z.string().default(''),
    lines: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    recordId: z.string().optional(),
  }),
  topic: z.enum(QUIZ_TOPICS),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  kind: z.string().min(1).default('fact'),
});
export type CuratedQuestion = z.infer<typeof CuratedQuestionSchema>;

/** A whole curated file. */
export const CuratedFileSchema = z.strictObject({
  questions: z.array(z.unknown()).min(1),
});

/** A curated question with where it came from. */
export interface LoadedCuratedQuestion {
  /** Bank id: `cur-<file name without extension>-<id>`. */
  bankId: string;
  file: string;
  /** 1-based position in the file. */
  index: number;
  question: CuratedQuestion;
}

/** A file or question that could not be loaded, named so a person can find it. */
export interface CuratedProblem {
  /** Bank id of the question when it has a usable id, else the file name. */
  id: string;
  file: string;
  message: string;
}

/** The bank id of a curated question. */
export function curatedBankId(file: string, id: string): string {
  return `cur-${basename(file).replace(/\.ya?ml$/i, '')}-${id}`;
}

/**
 * Loads every `*.yaml` / `*.yml` file of `dir` (sorted by name; a missing folder is no
 * questions). Returns the valid questions and a problem for each broken file or question.
 *
 * @example loadCuratedQuestions('knowledge/quiz').questions.length // ≥ 80
 */
export function loadCuratedQuestions(dir: string): { questions: LoadedCuratedQuestion[]; problems: CuratedProblem[] } {
  const questions: LoadedCuratedQuestion[] = [];
  const problems: CuratedProblem[] = [];
  if (!existsSync(dir)) return { questions, problems };
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
  for (const file of files) {
    let data: unknown;
    try {
      data = parseYaml(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push({ id: file, file, message: `${file}: YAML không đọc được / cannot parse YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
      continue;
    }
    const parsedFile = CuratedFileSchema.safeParse(data);
    if (!parsedFile.success) {
      problems.push({ id: file, file, message: `${file}: ${describeIssues(parsedFile.error)}` });
      continue;
    }
    const seen = new Set<string>();
    parsedFile.data.questions.forEach((raw, i) => {
      const rawId = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : undefined;
      const where = `${file}, câu ${i + 1}${rawId !== undefined ? ` (id "${rawId}")` : ''}`;
      const bankId = rawId !== undefined && KEBAB_ID.test(rawId) ? curatedBankId(file, rawId) : `${file}#${i + 1}`;
      const parsed = CuratedQuestionSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push({ id: bankId, file, message: `${where}: ${describeIssues(parsed.error)}` });
        return;
      }
      const q = parsed.data;
      const local = selfProblems(q);
      if (seen.has(q.id)) local.push(`id "${q.id}" bị trùng trong tệp / duplicate id in the file`);
      seen.add(q.id);
      if (local.length > 0) {
        problems.push({ id: bankId, file, message: `${where}: ${local.join('; ')}` });
        return;
      }
      questions.push({ bankId, file, index: i + 1, question: q });
    });
  }
  return { questions, problems };
}

/** Problems a question has on its own, before looking at any document. */
function selfProblems(q: CuratedQuestion): string[] {
  const out: string[] = [];
  if (q.source.lines[1] < q.source.lines[0]) out.push(`source.lines [${q.source.lines.join(', ')}]: dòng cuối trước dòng đầu / end before start`);
  if (q.distractors.includes(q.answer)) out.push('một phương án sai trùng đáp án / a distractor equals the answer');
  for (const p of q.printedDistractors) {
    if (!q.distractors.includes(p)) out.push(`printedDistractors "${p}" không phải là một phương án sai / is not one of the distractors`);
  }
  return out;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(gốc)'}: ${i.message}`).join('; ');
}

/** A curated question as a bank draft (its options are shuffled like every other question's). */
export function curatedDraft(loaded: LoadedCuratedQuestion): QuestionDraft {
  const q = loaded.question;
  const draft: QuestionDraft = {
    id: loaded.bankId,
    stem: q.stem,
    answer: q.answer,
    distractors: q.distractors,
    explanation: q.explanation,
    source: { doc: q.source.doc, section: q.source.section, lines: q.source.lines, ...(q.source.recordId !== undefined ? { recordId: q.source.recordId } : {}) },
    topic: q.topic,
    difficulty: q.difficulty,
    origin: 'curated',
    kind: q.kind,
  };
  if (q.evidence !== undefined) draft.evidence = q.evidence;
  return draft;
}
