/**
 * Plain text and Markdown: kept exactly as written, one entry per line, so line numbers in
 * citations match what an editor shows. Cleaning (markup, emphasis) is the sectioner's job.
 */
import { DocumentLoadError, readSourceBytes } from './errors.ts';

/** Splits text into lines the way editors count them (\n, \r\n or \r). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  // A final newline does not start a new line in an editor's count.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads a UTF-8 text file into lines; throws DocumentLoadError when empty or unreadable. */
export async function loadTextLines(path: string): Promise<string[]> {
  const buffer = await readSourceBytes(path);
  let text = buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) throw new DocumentLoadError(path, 'corrupt', 'binary content in a text file');
  if (text.trim().length === 0) throw new DocumentLoadError(path, 'empty');
  return splitLines(text);
}
