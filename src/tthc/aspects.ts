/**
 * Follow-up aspects ("cần giấy tờ gì?", "mất bao lâu?", "lệ phí bao nhiêu?") as data, from
 * `knowledge/tthc/aspects.yaml`, and the scorer that recognises them in a message.
 *
 * Why data: the ways citizens ask for "the papers" or "the fee" grow with use; a reviewer
 * adds an example, not a branch. Why a separate scorer from the intent classifier: a
 * follow-up only makes sense with a procedure in the conversation's context, and it must
 * not depend on intents/*.yaml, which another part of the assistant owns.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { FACT_GROUPS } from './schema.ts';

/** Aspect ids are payload keys ("#tthc:khai-sinh:giayto"). */
const ASPECT_ID = /^[a-z]+$/;

export const AspectSchema = z.strictObject({
  id: z.string().regex(ASPECT_ID),
  /** Button title and heading of the answer: "Giấy tờ cần chuẩn bị". */
  title: z.string().trim().min(2).max(40),
  /** Which fact groups answer it, in order. */
  groups: z.array(z.enum(FACT_GROUPS)).min(1),
  /** Shown as a follow-up button under a procedure card. */
  button: z.boolean().default(false),
  /**
   * The part of the group the answer leads with: `exemptions` (who pays nothing, for "người
   * già có phải nộp phí không"), `online` (the online portals, for "làm online trên cổng nào").
   */
  emphasis: z.enum(['exemptions', 'online']).optional(),
  /**
   * Asked in the same message as the procedure's name ("làm giấy khai sinh thế nào"), the
   * whole card answers: it leads with this aspect anyway.
   */
  cardWhenNamed: z.boolean().default(false),
  /** How people ask for it, with and without diacritics. */
  examples: z.array(z.string().trim().min(2)).min(1),
});
export type Aspect = z.output<typeof AspectSchema>;

export const AspectsFileSchema = z.strictObject({
  aspects: z.array(AspectSchema).min(1),
  /** How people ask for a list of procedures ("các thủ tục", "có những thủ tục nào"). */
  listing: z.strictObject({ examples: z.array(z.string().trim().min(2)).min(1) }),
  /**
   * Words that say "I want to do a procedure" without naming one ("thủ tục", "nộp", "ở
   * đâu"): they do not count against a match, unlike words from another topic ("tỷ lệ").
   */
  commonWords: z.array(z.string().trim().min(1)).default([]),
  /**
   * Words that mark a request to get a procedure done ("thủ tục", "xin", "nộp"). A message
   * without any, routed here by the classifier, is treated as a question for the plans.
   */
  requestWords: z.array(z.string().trim().min(1)).default([]),
  /**
   * Words of questions about public services at large rather than one procedure (who helps
   * people online, paying fees online, results by post, the province's apps): when the
   * catalog has no match, such a question is answered from the plans if they hold it.
   */
  serviceTopics: z.array(z.string().trim().min(1)).default([]),
  /**
   * Words that ask what a plan sets rather than how to get a procedure done ("từ năm nào",
   * "chủ trương"): a message the catalog does not match that uses one is answered from the
   * plans when they hold an answer, even if it also says "cấp phép" or "xin".
   */
  planQuestionWords: z.array(z.string().trim().min(1)).default([]),
  /** Words that carry no aspect ("ạ", "vậy", "ad"), set aside before aspects are scored. */
  fillers: z.array(z.string().trim().min(1)).default([]),
});
export type AspectsFile = z.output<typeof AspectsFileSchema>;

/** Reads and validates the aspects file; a broken file stops start-up with its name and field. */
export function loadAspects(file: string): AspectsFile {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: không đọc được (cannot read aspects): ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = AspectsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file}: không hợp lệ (invalid aspects): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const ids = new Set<string>();
  for (const a of parsed.data.aspects) {
    if (ids.has(a.id)) throw new Error(`${file}: aspect "${a.id}" khai báo hai lần (declared twice)`);
    ids.add(a.id);
  }
  return parsed.data;
}

/** Turns text into canonical tokens (the Vietnamese analyzer with its thesaurus, query mode). */
export type QueryAnalyzer = (text: string) => string[];

export interface ExampleMatch {
  /** 0..1: how much of the best example the message contains, and how little else it says. */
  score: number;
}

/**
 * Scores messages against lists of short examples by token overlap (folded, so "giay to"
 * meets "giấy tờ"), weighting recall of the example above precision: "thế còn lệ phí thì
 * sao" still asks for the fee. F2 of (precision, recall), best example wins.
 */
export class ExampleScorer<K extends string> {
  private readonly examples: Array<{ key: K; tokens: Set<string> }>;

  constructor(
    lists: ReadonlyArray<{ key: K; examples: readonly string[] }>,
    private readonly analyzer: QueryAnalyzer,
  ) {
    this.examples = lists.flatMap(({ key, examples }) => examples.map((e) => ({ key, tokens: this.tokens(e) })).filter((e) => e.tokens.size > 0));
  }

  /** Folded token set of a text. */
  tokens(text: string): Set<string> {
    return new Set(this.analyzer(text).map((t) => foldDiacritics(t)));
  }

  /** Best key and its score, or undefined when no example shares a token. */
  best(text: string): { key: K; score: number } | undefined {
    return this.bestOf(this.tokens(text));
  }

  /**
   * Best key for a folded token set: the caller may first remove words that name something
   * else ("khai sinh" in "làm khai sinh mất bao lâu"), so they do not dilute the aspect;
   * words in `setAside` are not asked of the examples either ("cấp phiếu" of "được cấp phiếu
   * số mấy" when the procedure is "Cấp Phiếu lý lịch tư pháp").
   */
  bestOf(q: ReadonlySet<string>, setAside: ReadonlySet<string> = new Set()): { key: K; score: number } | undefined {
    if (q.size === 0) return undefined;
    let best: { key: K; score: number } | undefined;
    for (const ex of this.examples) {
      let common = 0;
      let size = 0;
      for (const t of ex.tokens) {
        if (setAside.has(t)) continue;
        size++;
        if (q.has(t)) common++;
      }
      if (common === 0) continue;
      const recall = common / size;
      const precision = common / q.size;
      const f2 = (5 * precision * recall) / (4 * precision + recall);
      if (!best || f2 > best.score) best = { key: ex.key, score: f2 };
    }
    return best;
  }
}
