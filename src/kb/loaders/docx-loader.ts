/**
 * DOCX: mammoth's HTML turned into lines (paragraphs, headings, list items, table rows as
 * tab-separated lines), so tables keep their columns the same way the text documents do.
 */
import mammoth from 'mammoth';
import { DocumentLoadError, readSourceBytes } from './errors.ts';
import { htmlToLines } from './html-to-lines.ts';

/** Extracts the text lines of a .docx; throws DocumentLoadError for a corrupt or empty file. */
export async function loadDocxLines(path: string): Promise<string[]> {
  const buffer = await readSourceBytes(path);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer })).value;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split(':')[0]?.trim() : undefined;
    throw new DocumentLoadError(path, 'corrupt', detail, { cause: error });
  }
  const lines = htmlToLines(html);
  if (lines.every((line) => line.trim().length === 0)) throw new DocumentLoadError(path, 'empty');
  return lines;
}
