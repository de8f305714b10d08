/**
 * The knowledge files the assistant cannot run without: `thesaurus.yaml` (every query and
 * every indexed chunk goes through it — running on an empty or partial one would silently
 * change every answer) and `agencies.yaml` (who leads a task, an agency's duties and the
 * change notes resolve names through it). A broken one stops start-up, unlike a broken
 * document, which is skipped; the message names the file and the line to fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';

export class RequiredFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(
      `${file}${line !== undefined ? `, dòng ${line} (line ${line})` : ''}: ${detail} — tệp bắt buộc: sửa tệp rồi khởi động lại (required file: fix it and restart)`,
    );
    this.name = 'RequiredFileError';
  }
}

/**
 * The 1-based line of the first `section[index]` a message names (e.g. "abbreviations[3]",
 * "agencies[0] (so-tt-tt).kind"), or of a YAML syntax error ("at line 4"), if it can be found.
 */
export function lineOfProblem(yamlText: string, message: string): number | undefined {
  const syntax = /at line (\d+), column \d+/.exec(message);
  if (syntax) return Number(syntax[1]);
  const m = /\b([A-Za-z_][\w-]*)\[(\d+)\](?:\s*(?:"[^"]*"|\([^)]*\)))?\s*(?:\(?\.?([A-Za-z_][\w]*)\)?)?/.exec(message);
  if (!m) return undefined;
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines });
  const path: Array<string | number> = [m[1]!, Number(m[2])];
  const deeper = m[3] ? doc.getIn([...path, m[3]], true) : undefined;
  const node = isNode(deeper) ? deeper : doc.getIn(path, true);
  if (!isNode(node) || !node.range) return undefined;
  return lines.linePos(node.range[0]).line;
}

/**
 * Loads a required knowledge file, turning any failure into a RequiredFileError with its line.
 * @example const thesaurus = loadRequired(join(dir, 'thesaurus.yaml'), loadThesaurus);
 */
export function loadRequired<T>(path: string, load: (path: string) => T): T {
  try {
    return load(path);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    // The loaders prefix their own path; say it once.
    const detail = raw.startsWith(`${path}: `) ? raw.slice(path.length + 2) : raw;
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const shown = relative(process.cwd(), path) || path;
    throw new RequiredFileError(shown.startsWith('..') ? path : shown, text ? lineOfProblem(text, detail) : undefined, detail.split('\n')[0]!);
  }
}
