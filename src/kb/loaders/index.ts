/**
 * Loading documents into lines of text, whatever their format, and loading a whole sources
 * folder where one broken file never stops the rest.
 */
import { extname, join } from 'node:path';
import { readSourceCatalog, firstHeadingLine, type SourceProblem } from '../sources.ts';
import type { DocumentMeta, LoadedDocument } from '../types.ts';
import { loadDocxLines } from './docx-loader.ts';
import { DocumentLoadError } from './errors.ts';
import { loadPdfLines } from './pdf-loader.ts';
import { loadTextLines } from './text-loader.ts';

export { DocumentLoadError, type DocumentLoadReason } from './errors.ts';

type Loader = (path: string) => Promise<string[]>;

const LOADERS: Record<string, { format: string; load: Loader }> = {
  '.txt': { format: 'txt', load: loadTextLines },
  '.md': { format: 'md', load: loadTextLines },
  '.markdown': { format: 'md', load: loadTextLines },
  '.pdf': { format: 'pdf', load: loadPdfLines },
  '.docx': { format: 'docx', load: loadDocxLines },
};

/** Extensions `loadDocument` understands, for messages and folder scans. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(LOADERS);

/**
 * Loads one document as lines (1-based line n = `lines[n - 1]`), choosing the loader by
 * extension. Why lines: every chunk cites a line range, so the loader must keep them.
 *
 * @throws DocumentLoadError for an unsupported extension, an empty file or a corrupt PDF/DOCX.
 * @example
 * const doc = await loadDocument('knowledge/sources/004-de-an-10.md', meta);
 */
export async function loadDocument(path: string, meta: DocumentMeta): Promise<LoadedDocument> {
  const ext = extname(path).toLowerCase();
  const loader = LOADERS[ext];
  if (!loader) throw new DocumentLoadError(path, 'unsupported', ext ? `"${ext}"` : 'no extension');
  const lines = await loader.load(path);
  return { meta, lines, format: loader.format };
}

/**
 * Loads every document of a sources folder (as listed by `sources.yaml`, plus files without
 * an entry). Problems — catalog warnings and files that cannot be read — are collected, so the
 * index is built from whatever is good. Order is the catalog's order: deterministic.
 */
export async function loadKnowledgeSources(
  dir: string,
): Promise<{ documents: LoadedDocument[]; problems: SourceProblem[] }> {
  const catalog = readSourceCatalog(dir);
  const problems: SourceProblem[] = [...catalog.problems];
  const documents: LoadedDocument[] = [];
  for (const meta of catalog.documents) {
    try {
      const doc = await loadDocument(join(dir, meta.file), meta);
      documents.push(catalog.guessedIds.has(meta.id) ? refineGuessedTitle(doc) : doc);
    } catch (error) {
      const message =
        error instanceof DocumentLoadError
          ? error.message
          : `Lỗi không mong đợi khi đọc "${meta.file}" / Unexpected error while loading "${meta.file}": ${error instanceof Error ? error.message : String(error)}`;
      problems.push({ file: meta.file, message, level: 'error' });
    }
  }
  return { documents, problems };
}

/** A guessed title from a PDF/DOCX file name is replaced by the document's first heading. */
function refineGuessedTitle(doc: LoadedDocument): LoadedDocument {
  if (doc.format === 'txt' || doc.format === 'md') return doc;
  const title = firstHeadingLine(doc.lines);
  if (!title) return doc;
  return { ...doc, meta: { ...doc.meta, title, shortName: title } };
}
