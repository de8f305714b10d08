/**
 * The one error a loader throws. It names the file and says, in Vietnamese then English,
 * what is wrong and what to do, so the person maintaining `knowledge/sources/` can fix it
 * without reading a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** Why a file could not be loaded; lets callers (and tests) branch without parsing text. */
export type DocumentLoadReason = 'unsupported' | 'empty' | 'corrupt' | 'unreadable';

const WORDING: Record<DocumentLoadReason, { vi: string; en: string }> = {
  unsupported: {
    vi: 'định dạng không được hỗ trợ (chỉ nhận .txt, .md, .pdf, .docx)',
    en: 'unsupported format (only .txt, .md, .pdf, .docx are read)',
  },
  empty: {
    vi: 'tệp rỗng hoặc không có chữ để đọc',
    en: 'the file is empty or has no extractable text',
  },
  corrupt: {
    vi: 'tệp bị hỏng hoặc không đúng định dạng',
    en: 'the file is corrupt or not really in that format',
  },
  unreadable: {
    vi: 'không mở được tệp',
    en: 'the file could not be opened',
  },
};

/**
 * Thrown by `loadDocument` for a file that cannot become text.
 * Why a dedicated class: `loadKnowledgeSources` turns it into a reported problem and moves on,
 * while any other error is a bug.
 */
export class DocumentLoadError extends Error {
  override readonly name = 'DocumentLoadError';
  /** The path that failed, as given to the loader. */
  readonly file: string;
  readonly reason: DocumentLoadReason;

  constructor(file: string, reason: DocumentLoadReason, detail?: string, options?: { cause?: unknown }) {
    const name = basename(file);
    const words = WORDING[reason];
    const cleaned = detail?.trim().replace(/[.\s]+$/, '');
    const extra = cleaned ? ` (${cleaned})` : '';
    super(`Không đọc được tệp "${name}": ${words.vi}${extra} / Cannot load "${name}": ${words.en}${extra}.`, options);
    this.file = file;
    this.reason = reason;
  }
}

/**
 * Reads a source file's bytes; a missing or unreadable file, or an empty one, becomes the
 * one clear DocumentLoadError every loader reports.
 */
export async function readSourceBytes(path: string): Promise<Buffer> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    throw new DocumentLoadError(path, 'unreadable', error instanceof Error ? error.message : undefined, { cause: error });
  }
  if (buffer.length === 0) throw new DocumentLoadError(path, 'empty');
  return buffer;
}
