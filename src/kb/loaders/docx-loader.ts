/**
 * DOCX: mammoth's HTML turned into lines (paragraphs, headings, list items, table rows as
 * tab-separated lines), so tables keep their columns the same way the text documents do.
 */
import { readFile } from 'node:fs/promises';
import mammoth from 'mammoth';
import { DocumentLoadError } from './errors.ts';
import { htmlToLines } from './html-to-lines.ts';

/** Extracts the text lines of a .docx; throws DocumentLoadError for a corrupt or empty file. */
export async function loadDocxLines(path: string): Promise<string[]> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    throw new DocumentLoadError(path, 'unreadable', error instanceof Error ? error.message : undefined, { cause: error });
  }
  if (buffer.length === 0) throw new DocumentLoadError(path, 'empty');
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
