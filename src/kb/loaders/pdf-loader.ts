/**
 * PDF: text per page via unpdf (PDF.js), pages joined with line breaks. The result keeps the
 * PDF's hard line breaks; the sectioner joins them back into sentences.
 */
import { extractText, getDocumentProxy } from 'unpdf';
import { DocumentLoadError, readSourceBytes } from './errors.ts';
import { splitLines } from './text-loader.ts';

/** Extracts the text lines of a PDF; throws DocumentLoadError for corrupt or image-only files. */
export async function loadPdfLines(path: string): Promise<string[]> {
  const buffer = await readSourceBytes(path);
  let pages: string[];
  try {
    // verbosity 0: PDF.js would otherwise print warnings on stdout, which `ask --json` forbids.
    const pdf = await getDocumentProxy(new Uint8Array(buffer), { verbosity: 0 });
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    const detail = error instanceof Error ? error.message : undefined;
    throw new DocumentLoadError(path, 'corrupt', detail, { cause: error });
  }
  const lines = pages.flatMap((page) => splitLines(page));
  if (lines.every((line) => line.trim().length === 0)) {
    throw new DocumentLoadError(path, 'empty', 'PDF dạng ảnh cần nhận dạng chữ (OCR) trước / a scanned PDF needs OCR first');
  }
  return lines;
}
