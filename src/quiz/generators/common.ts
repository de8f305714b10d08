/**
 * What every question generator shares: the draft shape a generator returns (answer and
 * distractors kept apart, so nothing downstream confuses them), a seeded random source
 * keyed by the question id, and the wording that names a document and its date.
 *
 * Why seeded by id: the bank must be the same on every build (a trainer's session and a
 * learner's "recently seen" list refer to questions by id), and adding one question must
 * not reshuffle every other question's options.
 */
import type { DocumentMeta } from '../../kb/types.ts';
import type { QuizQuestion, QuizSource, QuizTopic } from '../schema.ts';
import { mulberry32 } from '../../core/random.ts';

/** A question before its options are shuffled: the answer and the wrong options apart. */
export interface QuestionDraft {
  id: string;
  stem: string;
  answer: string;
  distractors: string[];
  /** Words of the cited lines that support the answer, when worded differently. */
  evidence?: string;
  explanation: string;
  source: QuizSource;
  topic: QuizTopic;
  difficulty: QuizQuestion['difficulty'];
  origin: QuizQuestion['origin'];
  kind: string;
}

/** A candidate a generator could not turn into a question, and why. */
export interface SkippedCandidate {
  id: string;
  reason: string;
}

/** What a generator returns. */
export interface GeneratorOutput {
  drafts: QuestionDraft[];
  skipped: SkippedCandidate[];
}

/** 32-bit FNV-1a hash of a string: the seed of a question's random choices. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, deterministic generator of numbers in [0, 1). */
export function seededRandom(seed: string): () => number {
  return mulberry32(hashString(seed));
}

/** A copy of `items` shuffled by Fisher–Yates with the random source seeded by `seed`. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Turns a draft into a question: options are the answer and the distractors shuffled by a
 * seed derived from the id, `correct` points at the answer.
 */
export function finalizeDraft(draft: QuestionDraft): QuizQuestion {
  const options = seededShuffle([draft.answer, ...draft.distractors], `options:${draft.id}`);
  const question: QuizQuestion = {
    id: draft.id,
    stem: draft.stem,
    options,
    correct: options.indexOf(draft.answer),
    explanation: draft.explanation,
    source: draft.source,
    topic: draft.topic,
    difficulty: draft.difficulty,
    origin: draft.origin,
    kind: draft.kind,
  };
  if (draft.evidence !== undefined) question.evidence = draft.evidence;
  return question;
}

/** "Kế hoạch CĐS năm 2024 của UBND tỉnh (12/2023)": how stems and explanations name a document. */
export function documentLabel(doc: DocumentMeta): string {
  return `${doc.shortName} (${doc.date})`;
}

/** A record id made safe for a question id: diacritics dropped (case kept), spaces and brackets turned into "-". */
export function idPart(recordId: string): string {
  return recordId
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^a-z0-9.:#-]+/gi, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
}

/** Text cut to at most `max` characters at a word boundary, with "…" when cut. */
export function clip(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:(–-]+$/, '')}…`;
}

/** Picks up to `count` items in order, skipping those whose key is already taken. */
export function pickDistinct<T>(candidates: readonly T[], count: number, keyOf: (item: T) => string, taken: Set<string>): T[] {
  const out: T[] = [];
  for (const c of candidates) {
    if (out.length >= count) break;
    const key = keyOf(c);
    if (taken.has(key)) continue;
    taken.add(key);
    out.push(c);
  }
  return out;
}
