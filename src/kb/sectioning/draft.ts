/**
 * A chunk before it gets its id and date: what the sectioner's parts (prose, tables) produce.
 */
import type { Chunk } from '../types.ts';

export interface DraftChunk {
  sectionPath: string[];
  text: string;
  lineStart: number;
  lineEnd: number;
  kind: Chunk['kind'];
}

/** What a table parser hands back: where reading resumes and the chunks it made. */
export interface TableResult {
  /** Index (0-based) of the first line after the table. */
  end: number;
  drafts: DraftChunk[];
  /** Number of task rows (not groups, not totals), for reports and tests. */
  rowCount: number;
}

/** Appends a piece to a sentence-joined text: ". " unless the text already ends a sentence. */
export function appendSentence(text: string, piece: string): string {
  if (piece.length === 0) return text;
  if (text.length === 0) return piece;
  return /[.!?:;…]$/u.test(text) ? `${text} ${piece}` : `${text}. ${piece}`;
}

/** Ends text with a period unless it already ends with punctuation. */
export function finishSentence(text: string): string {
  return /[.!?…:;]["”]?$/u.test(text) || text.length === 0 ? text : `${text}.`;
}
