/**
 * Grounded, extractive answers: the sentences or lines of the documents that answer the
 * question, trimmed to read well on a phone, followed by the source
 * ("Nguồn: <short name> (<date>), <section>"). Nothing is paraphrased or invented.
 */
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { formatSectionPath } from '../kb/types.ts';
import type { SourceRef } from '../core/messages.ts';
import type { SearchHit } from '../retrieval/knowledge-base.ts';

export interface AnswerOptions {
  /** Soft limit for the answer body (the source line comes on top). */
  maxChars: number;
  /** Below this the answer is "not found". */
  minConfidence: number;
  /** Whether several items of one section may be shown as a list (not for "who leads X?"). */
  allowList?: boolean;
  /**
   * A sentence's words as the search sees them (folded, abbreviations expanded), so that
   * "CSDL" in a sentence meets "cơ sở dữ liệu" in the question.
   */
  termsOf?: (text: string) => ReadonlySet<string>;
}

const plainTerms = (text: string): ReadonlySet<string> => new Set(foldDiacritics(text).split(/[^\p{L}\p{N}%&.]+/u));

export interface ComposedAnswer {
  found: boolean;
  /** Body text and source lines, ready to send. */
  text: string;
  sources: SourceRef[];
  confidence: number;
  /** Hits the answer used, best first. */
  used: SearchHit[];
  /** The extracts shown, without the opening and the source lines (what the answer asserts). */
  excerpts: string[];
}

/** Table rows the sectioner could split into named columns ("Đơn vị chủ trì: …"). */
const LABELLED_ROW = /(Đơn vị chủ trì|Cơ quan chủ trì|Mục tiêu, quy mô|Nội dung):/u;

/** What still reads well on a phone, citations included. */
const MAX_TOTAL_CHARS = 1100;

/** Labels the sectioner writes into table rows; the fields an official asks about. */
const KEY_FIELD = /^(đơn vị|cơ quan) (chủ trì|phối hợp|theo dõi)|^thời gian|^dự kiến tổng kinh phí|^kinh phí|^tổng kinh phí|^sản phẩm|^lộ trình/i;

/**
 * How sure we are that the best hit answers: mostly the share of the question's topic
 * syllables found in it, with a bonus when lexical and vector search agree.
 */
export function confidenceOf(hits: readonly SearchHit[]): number {
  const top = hits[0];
  if (!top) return 0;
  // Syllables and two-syllable words count equally: "tối thiểu" alone does not answer "lương tối thiểu vùng".
  let c = top.phraseCoverage === undefined ? top.coverage : (top.coverage + top.phraseCoverage) / 2;
  if (top.lexicalRank !== undefined && top.vectorRank !== undefined && top.vectorRank <= 5) c += 0.1;
  if (top.lexicalRank === undefined) c *= 0.7;
  return Math.max(0, Math.min(1, c));
}

/**
 * A section path short enough for a phone: long headings cut at a word, and for deep
 * paths the top heading (which appendix or part) plus the two nearest.
 */
export function shortSectionPath(path: readonly string[]): string {
  const cut = (h: string) => truncateAtWord(h, 70);
  const kept = path.length > 3 ? [path[0]!, ...path.slice(-2)] : [...path];
  return formatSectionPath(kept.map(cut));
}

export function sourceRefOf(hit: SearchHit): SourceRef {
  return {
    doc: hit.doc.id,
    title: hit.doc.shortName,
    section: shortSectionPath(hit.chunk.sectionPath),
    date: hit.doc.date,
    lines: `${hit.chunk.lineStart}-${hit.chunk.lineEnd}`,
  };
}

export function citationLine(ref: SourceRef): string {
  return `Nguồn: ${ref.title} (${ref.date}), ${ref.section}${ref.lines && ref.lines !== '1-1' ? `, dòng ${ref.lines}` : ''}.`;
}

/** Splits a chunk into sentences / labelled fields, keeping their order. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\d(“"•-])|(?<=;)\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function overlap(sentence: string, keywords: readonly string[], termsOf = plainTerms): number {
  if (keywords.length === 0) return 0;
  const words = termsOf(sentence);
  return keywords.filter((k) => words.has(k)).length / keywords.length;
}

/**
 * The part of a chunk worth showing: all of it when it fits; otherwise its first sentence
 * (what the row or paragraph is about), its labelled key fields, and the sentences that
 * share most words with the question, in document order.
 */
export function extractFromChunk(text: string, keywords: readonly string[], budget: number, termsOf = plainTerms): string {
  if (text.length <= budget) return text;
  const sentences = splitSentences(text);
  // A row whose PDF columns were interleaved has no real sentences: keep its two ends.
  if (sentences.length === 1 || (/^\d+(\.\d+)*\s/u.test(text) && !LABELLED_ROW.test(text))) return headAndTail(text, budget);
  // The opening sentence says what the passage is about, unless it would crowd out the answer.
  const chosen = new Set<number>(sentences[0]!.length <= budget * 0.4 ? [0] : []);
  sentences.forEach((s, i) => {
    if (KEY_FIELD.test(s)) chosen.add(i);
  });
  const ranked = sentences
    .map((s, i) => ({ i, score: overlap(s, keywords, termsOf) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const lengthOf = (set: Set<number>) => [...set].reduce((n, i) => n + sentences[i]!.length + 1, 0);
  for (const r of ranked) {
    const next = new Set(chosen).add(r.i);
    if (lengthOf(next) <= budget) chosen.add(r.i);
  }
  let out = [...chosen]
    .sort((a, b) => a - b)
    .map((i) => sentences[i]!)
    .join(' ');
  if (out.length === 0) return headAndTail(text, budget);
  if (out.length > budget) out = truncateAtWord(out, budget);
  return out;
}

/**
 * One long unpunctuated block (a table row whose columns the PDF interleaved): its start
 * names the task and its end holds the units, status and legal basis, so cut the middle.
 */
export function headAndTail(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const head = truncateAtWord(text, Math.floor(budget * 0.45)).replace(/…$/u, '');
  const tailStart = text.length - Math.floor(budget * 0.5);
  const space = text.indexOf(' ', tailStart);
  const tail = text.slice(space > 0 ? space + 1 : tailStart);
  return `${head} … ${tail}`;
}

export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const at = cut.lastIndexOf(' ');
  return (at > max * 0.6 ? cut.slice(0, at) : cut).replace(/[\s,;:]+$/u, '') + '…';
}

function sameSection(a: SearchHit, b: SearchHit): boolean {
  return (
    a.chunk.docId === b.chunk.docId &&
    a.chunk.sectionPath.length === b.chunk.sectionPath.length &&
    a.chunk.sectionPath.every((s, i) => s === b.chunk.sectionPath[i])
  );
}

/**
 * When the question asks for a section's items ("các chỉ tiêu kinh tế số" → the bullets or
 * table rows under "Phát triển kinh tế số"), the items of that section among the best hits:
 * at least two, under a heading that shares much of the question's wording, and as strong
 * as the best single hit.
 */
function listSection(hits: readonly SearchHit[], keywords: readonly string[], termsOf = plainTerms): SearchHit[] | undefined {
  const top = hits[0];
  if (!top) return undefined;
  const groups = new Map<string, SearchHit[]>();
  for (const h of hits.slice(0, 8)) {
    if (h.chunk.kind === 'heading' || h.chunk.kind === 'paragraph') continue;
    const key = h.chunk.docId + '\0' + h.chunk.sectionPath.join('\0');
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  let best: SearchHit[] | undefined;
  for (const items of groups.values()) {
    if (items.length < 2) continue;
    const lead = items[0]!;
    if (lead.score < top.score * 0.9) continue;
    if (overlap(lead.chunk.sectionPath.at(-1) ?? '', keywords, termsOf) < 0.5) continue;
    const strong = items.filter((h) => h.coverage >= lead.coverage * 0.8 && h.score >= lead.score * 0.6);
    if (strong.length >= 2 && (!best || lead.score > best[0]!.score)) best = strong;
  }
  return best;
}

/**
 * Another document's passage ranked as high, holding as many of the question's words and
 * phrases: the two documents answer together ("đoàn thanh niên" in one plan, "MTTQ và các
 * tổ chức chính trị - xã hội" in another), so neither alone is the whole answer.
 */
function nearTie(top: SearchHit, other: SearchHit): boolean {
  return other.score >= top.score * 0.95 && (other.phraseCoverage ?? 0) >= (top.phraseCoverage ?? 0);
}

/**
 * Builds the answer from ranked hits.
 * - A list: when several top hits are items of the same section (bullets of one heading,
 *   rows of one table group), they are shown together in document order.
 * - Otherwise the best chunk, plus the best chunk of another document when it answers
 *   as well (the provincial plan and a department's plan may both hold a task).
 */
export function composeAnswer(hits: readonly SearchHit[], keywords: readonly string[], options: AnswerOptions): ComposedAnswer {
  const confidence = confidenceOf(hits);
  const top = hits[0];
  if (!top || confidence < options.minConfidence) {
    return { found: false, text: '', sources: [], confidence, used: [], excerpts: [] };
  }
  const budget = options.maxChars;

  const termsOf = options.termsOf ?? plainTerms;
  const list = options.allowList === false ? undefined : listSection(hits, keywords, termsOf);
  if (list) {
    const ordered = [...list].sort((a, b) => a.chunk.lineStart - b.chunk.lineStart);
    const per = Math.max(160, Math.floor(budget / ordered.length));
    const lines: string[] = [];
    let used = 0;
    const shown: SearchHit[] = [];
    for (const h of ordered) {
      const line = '• ' + extractFromChunk(h.chunk.text, keywords, per, termsOf);
      if (used + line.length > budget && shown.length > 0) break;
      lines.push(line);
      used += line.length + 1;
      shown.push(h);
    }
    const first = shown[0]!;
    const ref = sourceRefOf(first);
    ref.lines = `${Math.min(...shown.map((h) => h.chunk.lineStart))}-${Math.max(...shown.map((h) => h.chunk.lineEnd))}`;
    const text = `Dạ, theo ${first.doc.shortName} (${first.doc.date}):\n${lines.join('\n')}\n\n${citationLine(ref)}`;
    return { found: true, text, sources: [ref], confidence, used: shown, excerpts: lines };
  }

  const main = extractFromChunk(top.chunk.text, keywords, budget, termsOf);
  const parts = [`Dạ, theo ${top.doc.shortName} (${top.doc.date}):\n${main}`];
  const sources = [sourceRefOf(top)];
  const used = [top];
  const excerpts = [main];
  const second = hits
    .slice(1, 5)
    .find((h) => h.chunk.docId !== top.chunk.docId && h.coverage >= top.coverage && h.score >= top.score * 0.8 && (h.coverage >= 0.7 || nearTie(top, h)));
  const room = budget - main.length;
  if (second && room >= 200) {
    const extract = extractFromChunk(second.chunk.text, keywords, room, termsOf);
    parts.push(`Theo ${second.doc.shortName} (${second.doc.date}):\n${extract}`);
    excerpts.push(extract);
    sources.push(sourceRefOf(second));
    used.push(second);
  }
  let text = `${parts.join('\n\n')}\n\n${sources.map(citationLine).join('\n')}`;
  if (text.length > MAX_TOTAL_CHARS && parts.length > 1) {
    // Two sources did not fit a phone screen: keep the best one.
    text = `${parts[0]}\n\n${citationLine(sources[0]!)}`;
    return { found: true, text, sources: sources.slice(0, 1), confidence, used: used.slice(0, 1), excerpts: excerpts.slice(0, 1) };
  }
  return { found: true, text, sources, confidence, used, excerpts };
}
