/**
 * The procedure catalog's shape (zod), modelled on the fields of the national database of
 * administrative procedures (Cơ sở dữ liệu quốc gia về TTHC): code, name, field, level,
 * implementing agency, who may apply, documents (with form names), steps, processing time,
 * fees, where to submit, result, legal basis.
 *
 * Why every fact group carries its own `legalBasis`, `sources` and `verifiedOn`: the
 * assistant must never state a fact it cannot trace, and facts age at different speeds (a
 * fee changes with a Thông tư, a step with a portal). A group whose value is unknown is
 * left out rather than guessed; the answer then says so and points to the portal.
 */
import { z } from 'zod';

/** A document number as printed: "60/2014/QH13", "123/2015/NĐ-CP", "296/QĐ-VPCP". */
const DOCUMENT_NUMBER = /\d+\/(?:\d{4}\/)?[\p{L}\d]+(?:-[\p{L}\d]+)*/u;
/** A date as printed in Vietnamese documents: "20/11/2014", "1/3/2025". */
const PRINTED_DATE = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/;

/** One legal document a fact rests on. */
export const LegalRefSchema = z.strictObject({
  /** Kind and name: "Luật Hộ tịch", "Nghị định", "Thông tư". */
  title: z.string().trim().min(1),
  /** Number and symbol as printed: "60/2014/QH13". */
  number: z.string().trim().regex(DOCUMENT_NUMBER, 'số hiệu văn bản phải có dạng 60/2014/QH13 (document number)'),
  /** Date of issue as printed, dd/mm/yyyy. */
  date: z.string().trim().regex(PRINTED_DATE, 'ngày ban hành phải có dạng dd/mm/yyyy (date of issue)'),
  /** The articles that hold the fact: "Điều 16". */
  articles: z.string().trim().min(1).optional(),
});
export type LegalRef = z.infer<typeof LegalRefSchema>;

/**
 * A legal reference written on one line, as provinces' exports do:
 * "Luật Hộ tịch 60/2014/QH13 ngày 20/11/2014, Điều 16". It must hold a number and a date.
 */
export function parseLegalRefText(text: string): LegalRef | string {
  const number = DOCUMENT_NUMBER.exec(text)?.[0];
  const dateMatch = PRINTED_DATE.exec(text.replace(number ?? '\u0000', ' '));
  if (!number) return 'căn cứ pháp lý thiếu số hiệu văn bản (legal basis lacks a document number)';
  if (!dateMatch) return 'căn cứ pháp lý thiếu ngày ban hành dd/mm/yyyy (legal basis lacks a date)';
  const [before, after = ''] = text.split(number);
  const title = (before ?? '').replace(/\b(số|so)\s*$/iu, '').replace(/[\s,;:]+$/u, '').trim();
  const articles = after
    .replace(dateMatch[0], '')
    .replace(/\b(ngày|ngay)\b/giu, '')
    .replace(/^[\s,;:.-]+|[\s,;:.-]+$/gu, '')
    .trim();
  return { title: title || 'Văn bản', number, date: dateMatch[0], ...(articles ? { articles } : {}) };
}

/**
 * An object, or a one-line string for it; either way the error names what is wrong (a plain
 * union would only say "Invalid input").
 */
function objectOrLine<T>(schema: z.ZodType<T>, fromLine: (text: string) => T | string) {
  return z.unknown().transform((value, ctx): T => {
    if (typeof value === 'string') {
      const parsed = fromLine(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path.filter((p): p is string | number => typeof p !== 'symbol') });
    return z.NEVER;
  });
}

const LegalRefInputSchema = objectOrLine(LegalRefSchema, parseLegalRefText);

/** ISO date the facts of a group were last checked against their sources. */
const IsoDateSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'ngày kiểm tra phải có dạng YYYY-MM-DD (verifiedOn)');

/** A public source consulted: a URL, or a document named in words when it has none. */
const SourceSchema = z.string().trim().min(5);

/** What every fact group carries: its legal basis, where it was checked, and when. */
const provenance = {
  legalBasis: z.array(LegalRefInputSchema).min(1, 'mỗi nhóm thông tin cần ít nhất một căn cứ pháp lý (legal basis required)'),
  sources: z.array(SourceSchema).min(1, 'mỗi nhóm thông tin cần ít nhất một nguồn (source required)'),
  verifiedOn: IsoDateSchema,
  /** A caveat to show with the facts ("mức thu có thể đã thay đổi…"). */
  note: z.string().trim().min(1).optional(),
};

export const LEVELS = ['trung-uong', 'tinh', 'huyen', 'xa'] as const;
export const LEVEL_LABELS: Readonly<Record<(typeof LEVELS)[number], string>> = {
  'trung-uong': 'Trung ương',
  tinh: 'Cấp tỉnh',
  huyen: 'Cấp huyện',
  xa: 'Cấp xã',
};

export const AgencyGroupSchema = z.strictObject({
  /** Level (cấp thực hiện); left out when no source states it. */
  level: z.enum(LEVELS).optional(),
  /** Who decides: "Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ". */
  text: z.string().trim().min(1),
  ...provenance,
});

export const TextGroupSchema = z.strictObject({ text: z.string().trim().min(1), ...provenance });

const DocumentObjectSchema = z.strictObject({
  name: z.string().trim().min(1),
  /** The form to fill in, as the rules name it: "Tờ khai theo mẫu (Thông tư 04/2020/TT-BTP)". */
  form: z.string().trim().min(1).optional(),
  note: z.string().trim().min(1).optional(),
});

/** "Tờ khai đăng ký khai sinh [Mẫu: Thông tư 04/2020/TT-BTP]" (one-line form, for CSV). */
export function parseDocumentLine(text: string): DocumentItem | string {
  const m = /^(.*?)\s*\[(?:mẫu|mau|form)\s*:\s*([^\]]+)\]\s*$/iu.exec(text.trim());
  const name = (m ? (m[1] ?? '') : text).trim();
  if (!name) return 'tên giấy tờ trống (empty document name)';
  return m ? { name, form: (m[2] as string).trim() } : { name };
}

export const DocumentItemSchema = objectOrLine<DocumentItem>(DocumentObjectSchema, parseDocumentLine);
export type DocumentItem = { name: string; form?: string; note?: string };

export const DocumentsGroupSchema = z.strictObject({ items: z.array(DocumentItemSchema).min(1), ...provenance });
export const StepsGroupSchema = z.strictObject({ items: z.array(z.string().trim().min(1)).min(1), ...provenance });

export const FeeGroupSchema = z.strictObject({
  /** The fee as the rule states it ("Miễn lệ phí khi đăng ký đúng hạn"; "200.000 đồng/lần/người"). */
  text: z.string().trim().min(1),
  /** Who pays nothing, when the rule says so. */
  exemptions: z.string().trim().min(1).optional(),
  ...provenance,
});

export const CHANNEL_KINDS = ['truc-tiep', 'truc-tuyen', 'buu-chinh'] as const;
export const CHANNEL_LABELS: Readonly<Record<(typeof CHANNEL_KINDS)[number], string>> = {
  'truc-tiep': 'Trực tiếp',
  'truc-tuyen': 'Trực tuyến',
  'buu-chinh': 'Qua bưu chính',
};

export const SubmissionChannelSchema = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  /** Where: "Bộ phận một cửa của UBND cấp xã", "Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID". */
  text: z.string().trim().min(1),
  /** The official online service, for the button. */
  url: z.url().optional(),
});

export const SubmissionGroupSchema = z.strictObject({ channels: z.array(SubmissionChannelSchema).min(1), ...provenance });

/** Codes are payload keys ("#tthc:khai-sinh:giayto"): lower-case letters, digits, hyphens. */
export const PROCEDURE_CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const ProcedureSchema = z.strictObject({
  code: z.string().trim().regex(PROCEDURE_CODE, 'mã thủ tục chỉ gồm chữ thường không dấu, số và dấu gạch ngang (code: a-z, 0-9, -)'),
  /** The code in the national database ("2.000815"), only when a source shows it. */
  nationalCode: z.string().trim().regex(/^\d\.\d{6}$/, 'mã quốc gia có dạng 1.001193 (national code)').optional(),
  name: z.string().trim().min(3),
  /** How people ask for it: "làm giấy khai sinh", "khai sinh cho con", "lam ly lich tu phap". */
  phrasings: z.array(z.string().trim().min(2)).min(1, 'cần ít nhất một cách hỏi (phrasings)'),
  /**
   * Procedures people confuse with this one that this card does not cover ("ly hôn", "xác
   * nhận tình trạng hôn nhân" for kết hôn): a message naming one is not this procedure, so it
   * gets the honest "chưa có hướng dẫn" instead of this card.
   */
  notFor: z.array(z.string().trim().min(2)).default([]),
  /** Field (lĩnh vực) as the national database names it: "Hộ tịch", "Lý lịch tư pháp". */
  field: z.string().trim().min(2),
  agency: AgencyGroupSchema,
  applicants: TextGroupSchema.optional(),
  documents: DocumentsGroupSchema.optional(),
  steps: StepsGroupSchema.optional(),
  processingTime: TextGroupSchema.optional(),
  fees: FeeGroupSchema.optional(),
  submission: SubmissionGroupSchema.optional(),
  result: TextGroupSchema.optional(),
  /**
   * Questions to put to the plans (knowledge base) when showing this procedure, so the card
   * can cite what the province's plan says about it (online guidance videos, payment).
   */
  planQueries: z.array(z.string().trim().min(3)).default([]),
});

export type Procedure = z.output<typeof ProcedureSchema>;
export type ProcedureInput = z.input<typeof ProcedureSchema>;
export type AgencyGroup = z.output<typeof AgencyGroupSchema>;
export type TextGroup = z.output<typeof TextGroupSchema>;
export type FeeGroup = z.output<typeof FeeGroupSchema>;
export type SubmissionGroup = z.output<typeof SubmissionGroupSchema>;

/** The fact groups of a procedure, in the order a card shows them. */
export const FACT_GROUPS = ['agency', 'applicants', 'documents', 'steps', 'processingTime', 'fees', 'submission', 'result'] as const;
export type FactGroupName = (typeof FACT_GROUPS)[number];

/** A catalog file: a list of procedures (YAML/JSON), or one procedure per CSV row. */
export const CatalogFileSchema = z.strictObject({ procedures: z.array(z.unknown()).min(1) });
