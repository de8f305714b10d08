/**
 * The plans as structured, cited records: every appendix table row is a Task, every
 * objective with a value is a Target. Every record cites the lines it came from, and a test
 * checks each field's text occurs within those lines, so reviewed data cannot drift.
 */
import { z } from 'zod';

/** 1-based inclusive line range in the source file. */
export const LineRangeSchema = z.tuple([z.number().int().positive(), z.number().int().positive()]);

export const BudgetSchema = z.strictObject({
  /** Million VND, as printed ("5.820" → 5820). */
  total: z.number().nonnegative().optional(),
  /** Million VND per year ("2022" → 1200). */
  byYear: z.record(z.string().regex(/^\d{4}$/), z.number().nonnegative()).default({}),
  /** The printed text of the budget cells, for display and traceability. */
  text: z.string().default(''),
});
export type Budget = z.infer<typeof BudgetSchema>;

export const TaskRecordSchema = z.strictObject({
  /** `${docId}:${appendix key}:${row}` e.g. "001:III:4.2.1"; a repeated row number gets "#2". */
  id: z.string().min(1),
  docId: z.string().min(1),
  /** As printed: "Phụ lục III", "Phụ lục 1". */
  appendix: z.string().min(1),
  /** Row number as printed: "4.2.1", "1.12", "2.3", "a)". Sub-rows: "1.2.a)". */
  row: z.string().min(1),
  /** Group headings above the row, top first: ["4 Dữ liệu số", "4.2 Lĩnh vực Y tế"]. */
  group: z.array(z.string()).default([]),
  /** Task or project name (first column). */
  name: z.string().min(1),
  /** Content, scale, objectives (may be empty). */
  content: z.string().default(''),
  /** Lead unit(s) exactly as printed. */
  leadText: z.string().default(''),
  /** Coordinating unit(s) exactly as printed. */
  coordinateText: z.string().default(''),
  /** Period or deadline as printed ("2023-2025", "10/2022", "Hàng năm"). */
  period: z.string().default(''),
  status: z.enum(['new', 'continuing']).optional(),
  /** Product or result (002). */
  product: z.string().default(''),
  budget: BudgetSchema.optional(),
  /** "Theo Kế hoạch số 324/KH-UBND", "Công văn số 5526/UBND-KTN ngày 26/9/2023". */
  legalBasis: z.string().default(''),
  lines: LineRangeSchema,
  /** Where the record came from: the automatic extractor or the reviewed data file. */
  origin: z.enum(['extracted', 'reviewed']),
  /** For a lettered sub-row ("1.2.a)"): the id of its parent row, whose lead it shares. */
  parentId: z.string().optional(),
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

export const TargetRecordSchema = z.strictObject({
  /** `${docId}:target:${n}` or `${docId}:PLI:${row}` for appendix rows. */
  id: z.string().min(1),
  docId: z.string().min(1),
  /** "Phát triển chính quyền số" / "kinh tế số" / "xã hội số", or the document's own group heading. */
  group: z.string().min(1),
  /** The target sentence as printed (cleaned of line breaks). */
  text: z.string().min(1),
  /** Main value as a number (70 for "trên 70%"), when there is one. */
  value: z.number().optional(),
  /** Upper end of a printed range ("75 – 100 thiết bị/100 dân" → value 75, valueMax 100). */
  valueMax: z.number().optional(),
  /** "%", "GB/tháng/thuê bao", "thiết bị/100 dân", … */
  unit: z.string().default(''),
  /** "trên", "tối thiểu", "đạt", "100%" … as printed before the value. */
  comparator: z.string().default(''),
  /** Year or period the target is for ("2024", "2025", "2019-2020", "2030"). */
  year: z.string().default(''),
  /** Monitoring agency as printed (001 Phụ lục I). */
  monitorText: z.string().default(''),
  /** Agencies carrying it out as printed. */
  leadText: z.string().default(''),
  lines: LineRangeSchema,
  origin: z.enum(['extracted', 'reviewed']),
});
export type TargetRecord = z.infer<typeof TargetRecordSchema>;

/**
 * A group row of an appendix table ("I Phát triển hạ tầng kỹ thuật", "1 Hệ thống phòng họp
 * trực tuyến"): not a task, but it carries subtotals (004) and sometimes a lead unit.
 */
export const GroupRecordSchema = z.strictObject({
  /** `${docId}:${appendix key}:${row}` e.g. "004:PL1:I.1". */
  id: z.string().min(1),
  docId: z.string().min(1),
  appendix: z.string().min(1),
  /** Row number as printed ("I", "1", "4.2"); "" for an untitled italic group line (002). */
  row: z.string(),
  /** Title as printed, without the number. */
  name: z.string().min(1),
  /** Groups above this one, top first. */
  path: z.array(z.string()).default([]),
  leadText: z.string().default(''),
  budget: BudgetSchema.optional(),
  lines: LineRangeSchema,
});
export type GroupRecord = z.infer<typeof GroupRecordSchema>;

/** One duty of a responsibility record: a bullet, paragraph or sentence as printed. */
export const ResponsibilityDutySchema = z.strictObject({
  /** As printed, markup removed and line breaks joined. */
  text: z.string().min(1),
  lines: LineRangeSchema,
  /**
   * Other agencies the duty names (partners after "phối hợp với", recipients of reports,
   * units it directs), resolved through the agency directory; the record's own agencies are
   * left out. Why: "Công an tỉnh" is named only as Văn phòng Tỉnh ủy's partner in 004.
   */
  namedIds: z.array(z.string().min(1)).default([]),
});
export type ResponsibilityDuty = z.infer<typeof ResponsibilityDutySchema>;

/**
 * What the "Tổ chức thực hiện" section of a plan assigns to an agency (or several named
 * together): the heading or sentence subject that names them, and the duties as printed.
 */
export const ResponsibilityRecordSchema = z.strictObject({
  /** `${docId}:TCTH:${item}` ("001:TCTH:2"); a sentence split off an item "…:2.1"; the closing paragraph "…:ket". */
  id: z.string().min(1),
  docId: z.string().min(1),
  /** "VI. Tổ chức thực hiện › 2. Các sở: Kế hoạch và Đầu tư, Tài chính". */
  section: z.string().min(1),
  /** The heading or sentence subject naming the agency or agencies, as printed. */
  agencyText: z.string().min(1),
  /** Directory ids of `agencyText` (a heading naming several agencies gives several ids). */
  agencyIds: z.array(z.string().min(1)).default([]),
  duties: z.array(ResponsibilityDutySchema).min(1),
  lines: LineRangeSchema,
  origin: z.enum(['extracted', 'reviewed']),
});
export type ResponsibilityRecord = z.infer<typeof ResponsibilityRecordSchema>;

/** What `extractRecords` returns for the whole knowledge base. */
export interface RecordSet {
  tasks: TaskRecord[];
  targets: TargetRecord[];
  /** Group rows of the appendix tables (subtotals, group leads). */
  groups: GroupRecord[];
  /** Duties the "Tổ chức thực hiện" sections assign, per agency heading or sentence subject. */
  responsibilities: ResponsibilityRecord[];
  /**
   * Per appendix: rows seen in the source vs records produced, for `kb:build`'s report.
   * For kind 'responsibility' (one entry per document): paragraphs and bullets of the
   * "Tổ chức thực hiện" section vs those that became duties.
   */
  coverage: Array<{ docId: string; appendix: string; kind: 'task' | 'target' | 'responsibility'; rows: number; records: number; reviewed: number }>;
  problems: Array<{ file: string; message: string }>;
}
