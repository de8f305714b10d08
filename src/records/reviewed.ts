/**
 * Reviewed record data: YAML files in `knowledge/records/` where a person has typed the
 * fields of rows the extractors cannot split reliably (document 001's PDF tables) and the
 * targets written in running prose (document 002). Data, not code: correcting a lead unit
 * is an edit to a YAML file, and the traceability test proves every typed field occurs in
 * the lines the entry cites.
 *
 * File shape (one file per document or appendix, any name ending in .yaml):
 * ```yaml
 * docId: "001"
 * tasks:
 *   - appendix: Phụ lục III
 *     row: "4.2.2"
 *     lines: [1564, 1591]
 *     name: Trang bị và triển khai hệ thống lưu trữ và truyền hình ảnh y tế (PACS, LIS)
 *     leadText: Sở Y tế
 *     status: continuing
 * targets:
 *   - appendix: Phụ lục I      # or no appendix for a target from the prose
 *     row: "II.1"
 *     group: Phát triển kinh tế số
 *     text: Tỷ trọng kinh tế số trong từng ngành, từng lĩnh vực đạt tối thiểu 15%
 *     lines: [843, 849]
 * ```
 * A repeated row number (001 prints 4.4.4 twice) is matched in order: the second entry for
 * "4.4.4" is the document's second 4.4.4. To correct a row of a tab-separated table (002,
 * 004), whose ids carry the group ("004:PL1:II.1.2.a)"), give that `id`. To correct a target
 * found in an objectives section, give its id ("003:target:2"); other prose targets get
 * `${docId}:target:r${n}` in file order.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LineRangeSchema, ResponsibilityDutySchema, TaskRecordSchema, type RecordSet } from './schema.ts';

/**
 * A reviewed row: the task record's fields (same names, same checks) less what the loader
 * fills in itself, plus an optional explicit id and group path and the reviewer's note.
 */
export const ReviewedTaskSchema = TaskRecordSchema.omit({ id: true, docId: true, group: true, origin: true, parentId: true }).extend({
  /** Explicit id, only when the computed one would not do. */
  id: z.string().optional(),
  /** Overrides the group path found by the extractor. */
  group: z.array(z.string()).optional(),
  /** Reviewer's remark (not shown to users): why a field is empty, what the PDF mixed up. */
  note: z.string().optional(),
});
export type ReviewedTask = z.infer<typeof ReviewedTaskSchema>;

export const ReviewedTargetSchema = z.strictObject({
  /** For a table row of targets ("Phụ lục I"); absent for a target from the prose. */
  appendix: z.string().optional(),
  /** "I.3" (group numeral, row) for table rows. */
  row: z.string().optional(),
  /** Explicit id; prose targets get `${docId}:target:r${n}` in file order otherwise. */
  id: z.string().optional(),
  group: z.string().min(1),
  text: z.string().min(1),
  /** Parsed from the text when absent. */
  value: z.number().optional(),
  valueMax: z.number().optional(),
  unit: z.string().optional(),
  comparator: z.string().optional(),
  year: z.string().default(''),
  monitorText: z.string().default(''),
  leadText: z.string().default(''),
  lines: LineRangeSchema,
  note: z.string().optional(),
});
export type ReviewedTarget = z.infer<typeof ReviewedTargetSchema>;

export const ReviewedFileSchema = z.strictObject({
  docId: z.string().min(1),
  /** What the file covers and who reviewed it against which edition. */
  note: z.string().optional(),
  tasks: z.array(ReviewedTaskSchema).default([]),
  targets: z.array(ReviewedTargetSchema).default([]),
});
export type ReviewedFile = z.infer<typeof ReviewedFileSchema> & { file: string };

/**
 * A reviewed responsibility record, for a duty of a "Tổ chức thực hiện" section that the
 * extractor cannot attribute (a vague subject such as "các cơ quan, đơn vị"). An `id` equal
 * to an extracted record's replaces it; any other id adds a record.
 */
export const ReviewedResponsibilitySchema = z.strictObject({
  id: z.string().min(1),
  docId: z.string().min(1),
  section: z.string().min(1),
  agencyText: z.string().min(1),
  /** Directory ids; resolved from `agencyText` when absent. */
  agencyIds: z.array(z.string().min(1)).optional(),
  lines: LineRangeSchema,
  /** namedIds are resolved from each duty's text when absent. */
  duties: z.array(ResponsibilityDutySchema.extend({ namedIds: z.array(z.string().min(1)).optional() })).min(1),
  note: z.string().optional(),
});
export type ReviewedResponsibility = z.infer<typeof ReviewedResponsibilitySchema>;

/** A file of reviewed responsibilities (any documents): `responsibilities:` instead of `docId:`. */
export const ReviewedResponsibilityFileSchema = z.strictObject({
  note: z.string().optional(),
  responsibilities: z.array(ReviewedResponsibilitySchema).min(1),
});
export type ReviewedResponsibilityFile = z.infer<typeof ReviewedResponsibilityFileSchema> & { file: string };

/**
 * Loads every `*.yaml` file of `dir` (sorted by name, so the result is deterministic).
 * A missing folder is no data, not an error; a broken file is reported and skipped.
 *
 * @example const { files, problems } = loadReviewedRecords('knowledge/records');
 */
export function loadReviewedRecords(dir: string): {
  files: ReviewedFile[];
  /** Files with a top-level `responsibilities:` list (see {@link ReviewedResponsibilitySchema}). */
  responsibilityFiles: ReviewedResponsibilityFile[];
  problems: RecordSet['problems'];
} {
  const files: ReviewedFile[] = [];
  const responsibilityFiles: ReviewedResponsibilityFile[] = [];
  const problems: RecordSet['problems'] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { files, responsibilityFiles, problems };
  const names = readdirSync(dir)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort();
  for (const name of names) {
    const path = join(dir, name);
    let data: unknown;
    try {
      data = parseYaml(readFileSync(path, 'utf8'));
    } catch (error) {
      problems.push({ file: name, message: `YAML không đọc được / unreadable YAML: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (typeof data === 'object' && data !== null && 'responsibilities' in data) {
      const resp = ReviewedResponsibilityFileSchema.safeParse(data);
      if (resp.success) responsibilityFiles.push({ ...resp.data, file: name });
      else {
        const issues = resp.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
        problems.push({ file: name, message: `Dữ liệu rà soát sai cấu trúc / invalid reviewed data: ${issues}` });
      }
      continue;
    }
    const parsed = ReviewedFileSchema.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      problems.push({ file: name, message: `Dữ liệu rà soát sai cấu trúc / invalid reviewed data: ${issues}` });
      continue;
    }
    files.push({ ...parsed.data, file: name });
  }
  return { files, responsibilityFiles, problems };
}
