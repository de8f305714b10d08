/**
 * The shapes that flow through ingestion: a source document's metadata, the text a loader
 * extracts, the sections the sectioner recognises and the chunks the index stores.
 * Every chunk knows where it came from (document, section path, line range, date) so an
 * answer can always cite it.
 */
import { z } from 'zod';

/** Metadata of one source document, kept as data in `knowledge/sources/sources.yaml`. */
export const DocumentMetaSchema = z.object({
  /** Stable id, e.g. "001". */
  id: z.string().min(1),
  /** File name inside `knowledge/sources/`. */
  file: z.string().min(1),
  /** Short name used in citations, e.g. "Kế hoạch CĐS năm 2024 của UBND tỉnh". */
  shortName: z.string().min(1),
  title: z.string().min(1),
  /** Document number as printed ("433-NQ/TU"); empty where the draft left it blank. */
  number: z.string().default(''),
  issuer: z.string().min(1),
  signer: z.string().default(''),
  /** Date as printed in Vietnamese style ("28/01/2022", "12/2023"). */
  date: z.string().min(1),
  /** ISO-ish sortable date ("2022-01-28", "2023-12"). */
  dateIso: z.string().min(1),
  /** Period the document covers ("2024", "2021-2030"). */
  period: z.string().default(''),
  /** Other names people use for it ("KH CĐS 2024", "Đề án 10"). */
  aliases: z.array(z.string()).default([]),
  /**
   * Whether it still applies, as known (checked date): its period is over, a later act
   * replaced it, its issuer was reorganised. Shown with the document's facts; never guessed.
   */
  validity: z
    .strictObject({
      status: z.string().min(1),
      supersededBy: z.string().optional(),
      checked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    })
    .optional(),
});
export type DocumentMeta = z.infer<typeof DocumentMetaSchema>;

/** Text extracted by a loader, one entry per line, 1-based line numbers = index + 1. */
export interface LoadedDocument {
  meta: DocumentMeta;
  lines: string[];
  /** Which loader produced it ("txt", "md", "pdf", "docx"). */
  format: string;
}

/**
 * A retrievable piece of a document: a paragraph, a bullet, a table row or a heading's
 * lead text, with its full section path.
 */
export interface Chunk {
  /** Unique and deterministic: `${docId}:${lineStart}-${lineEnd}` (plus `#n` when split). */
  id: string;
  docId: string;
  /** Headings from the top, e.g. ["II. Nhiệm vụ", "4. Dữ liệu số", "c) Lĩnh vực y tế"]. */
  sectionPath: string[];
  /** Clean text: hard line breaks joined, HTML stripped, markdown emphasis removed. */
  text: string;
  /** 1-based inclusive line range in the source file. */
  lineStart: number;
  lineEnd: number;
  /** The document's date (DocumentMeta.date), repeated so a chunk cites on its own. */
  date: string;
  /** What kind of block it is; answers treat table rows differently from prose. */
  kind: 'heading' | 'paragraph' | 'bullet' | 'table_row';
}

/** Renders a section path for people: "II. Nhiệm vụ › 4. Dữ liệu số › c) Lĩnh vực y tế". */
export function formatSectionPath(path: readonly string[]): string {
  return path.join(' › ');
}
