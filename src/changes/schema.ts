/**
 * The shape of `knowledge/changes.yaml`: what changed since the plans were written (the
 * 2025–2026 reorganisation), each change with its act, date, source and who re-checks it.
 *
 * Why a strict schema: an answer built from this data tells a citizen where to go today. A
 * change without a source URL or a legal act, a date that is not a date or an unknown kind
 * must fail the load, not reach an answer.
 */
import { z } from 'zod';

/** The closed set of change kinds (issue 10). */
export const CHANGE_KINDS = [
  'province_merger',
  'commune_merger',
  'department_merger',
  'function_moved',
  'portal_moved',
  'level_abolished',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const text = z.string().trim().min(1);

/** YAML gives a Date for an unquoted 2025-07-01; keep every date as its ISO string. */
const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.iso.date('ngày phải theo dạng YYYY-MM-DD / date must be ISO (YYYY-MM-DD)'),
);

/**
 * A legal act. `number: null` / `date: null` say "not confirmed" explicitly (the key must be
 * there); `note` then says why. Never fill in a guess.
 */
export const ActSchema = z
  .strictObject({
    number: text.nullable(),
    title: text,
    date: isoDate.nullable(),
    issuer: text,
    /** How to name it in a one-line note when it has no number. */
    short: text.optional(),
    note: z.string().optional(),
  })
  .superRefine((act, ctx) => {
    if ((act.number === null || act.date === null) && (act.note ?? '').trim() === '') {
      ctx.addIssue({
        code: 'custom',
        message: 'số hoặc ngày chưa xác minh (null) cần "note" nói vì sao / a null number or date needs a note saying why',
      });
    }
  });
export type Act = z.output<typeof ActSchema>;

/** A unit before or after a change: an agency of agencies.yaml and/or extra forms. */
export const UnitSchema = z
  .strictObject({
    agency: z.string().regex(KEBAB_ID).optional(),
    forms: z.array(text).default([]),
  })
  .refine((u) => u.agency !== undefined || u.forms.length > 0, {
    message: 'một đơn vị cần "agency" hoặc "forms" / a unit needs an agency id or forms',
  });
export type Unit = z.output<typeof UnitSchema>;

export const ChangeSchema = z.strictObject({
  id: z.string().regex(KEBAB_ID, 'id phải viết kiểu kebab-case / id must be kebab-case'),
  kind: z.enum(CHANGE_KINDS),
  old: z.array(UnitSchema).min(1),
  new: z.array(UnitSchema).default([]),
  /** all: `new` took over everything of `old`; part: only some functions moved. */
  inherits: z.enum(['all', 'part']).default('all'),
  effective: isoDate,
  effectiveMeaning: z.enum(['in-force', 'passed', 'issued']).default('in-force'),
  act: ActSchema,
  relatedActs: z.array(ActSchema).default([]),
  source: z.url('source phải là URL / source must be a URL'),
  sources: z.array(z.url()).default([]),
  checked: isoDate,
  recheckBy: text,
  sure: z.enum(['high', 'medium-high', 'medium']),
  /** A few words for the compact note when several changes meet in one answer. */
  brief: text.refine((s) => s.length <= 120, 'brief ≤ 120 ký tự').optional(),
  summary: text.refine((s) => !s.includes('\n'), 'summary là một dòng / summary is one line'),
  notes: z.enum(['old-names', 'forms', 'none']).default('old-names'),
  noteForms: z.array(text).default([]),
  questionForms: z.array(text).default([]),
});
export type Change = z.output<typeof ChangeSchema>;

/** Words that say a question is about today (see the file's header). */
export const TodayVocabularySchema = z.strictObject({
  identity: z.array(text).min(1),
  time: z.array(text).default([]),
  plan: z.array(text).default([]),
});
export type TodayVocabulary = z.output<typeof TodayVocabularySchema>;

export const ChangesFileSchema = z.strictObject({
  todayVocabulary: TodayVocabularySchema,
  changes: z.array(ChangeSchema).min(1),
});
export type ChangesFile = z.input<typeof ChangesFileSchema>;
