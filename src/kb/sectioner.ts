/**
 * Structure-aware sectioning: turns a loaded document into retrievable chunks — one per
 * paragraph, bullet and table row — each carrying its full section path ("II. Nhiệm vụ ›
 * 4. Dữ liệu số › c) Lĩnh vực y tế"), its real line range and the document's date, so every
 * answer can cite where it came from. Deterministic: same lines, same chunks.
 *
 * How a document is read:
 *  1. the title block (lines before the first rule or heading) becomes one heading chunk;
 *  2. prose is read block by block: hard-wrapped lines (PDF text) are joined back into
 *     sentences, a line that does not end a sentence continues on the next (even across a
 *     blank line or a footnote), and a heading line stands alone;
 *  3. structural headings (Phụ lục, Phần thứ, I., 1., 1.1., a)) have fixed ranks; minor
 *     markers ("(1)", "-", "+") nest in the order the document uses them, a short bullet with
 *     children ("- Giai đoạn 2019-2020:") acts as a sub-heading;
 *  4. tables in appendices go to the tab-table or PDF-table parser;
 *  5. "Nơi nhận" lists and signature blocks are skipped up to the next appendix.
 */
import type { DraftChunk } from './sectioning/draft.ts';
import { classifyMarker, isStrongMarker, prepareLines, type Marker, type PreparedLine } from './sectioning/markers.ts';
import { isPdfTableHeader, parsePdfTable } from './sectioning/pdf-table.ts';
import { isTabTableHeader, parseTabTable } from './sectioning/tab-table.ts';
import {
  MAX_TITLE_CHARS,
  cleanText,
  endsSentence,
  isMostlyUppercase,
  joinWrapped,
  shortTitle,
  splitLongText,
  startsLowercase,
  tidyCase,
} from './sectioning/text-clean.ts';
import type { Chunk, LoadedDocument } from './types.ts';

export { formatSectionPath } from './types.ts';

/** A heading currently open, with whether anything has been filed under it yet. */
interface OpenSection {
  /** Fixed rank for structural headings; undefined for minor ones (ordered by appearance). */
  rank?: number;
  /** Minor marker kind ("paren", "dash", "plus") — siblings close each other. */
  minorKey?: string;
  title: string;
  /** Full heading text, emitted as a chunk if the section turns out empty. */
  fullText: string;
  lineStart: number;
  lineEnd: number;
  used: boolean;
}

interface Block {
  lines: PreparedLine[];
  marker?: Marker;
  /** Footnote lines met inside the block (emitted as their own chunks). */
  footnotes: PreparedLine[];
}

const CONNECTIVE_END = /(?:^|\s)(và|của|trên|về|cho|với|các|trong|để|theo|tại|đến|từ|những|hoặc|là)$/iu;
const RECIPIENTS = /^Nơi nhận\b/iu;
const CLOSING = /^Trên đây là\s/u;
const ATTACHMENT_NOTE = /^\(?\s*(?:ban hành\s+)?kèm theo\s+(?:kế hoạch|đề án|nghị quyết|quyết định|công văn)/iu;
const UNIT_LINE = /^ĐVT\s*:\s*(.+)$/iu;
const DOC_NUMBER_LINE = /^Số\s*:/u;
const PLACE_DATE_LINE = /ngày\s.*tháng\s.*năm\s+\d{4}\s*$/iu;

/**
 * Splits a document into chunks (see the module comment for the rules).
 *
 * @example
 * const chunks = sectionDocument(await loadDocument(path, meta));
 * chunks[0].sectionPath; // ["II. Nhiệm vụ", "4. Dữ liệu số", "c) Lĩnh vực y tế"]
 */
export function sectionDocument(doc: LoadedDocument): Chunk[] {
  return new Sectioner(doc).run();
}

class Sectioner {
  private readonly lines: PreparedLine[];
  private readonly drafts: DraftChunk[] = [];
  private readonly open: OpenSection[] = [];
  private skipping = false;
  private inAppendix = false;
  private unit: string | undefined;

  constructor(private readonly doc: LoadedDocument) {
    this.lines = prepareLines(doc.lines);
  }

  run(): Chunk[] {
    let i = this.readTitle();
    while (i < this.lines.length) i = this.step(i);
    this.closeTo(() => true);
    return this.finish();
  }

  // ---------------------------------------------------------------- reading

  private step(i: number): number {
    const line = this.lines[i] as PreparedLine;
    if (line.blank || line.separator) return i + 1;
    const marker = classifyMarker(line);
    if (marker?.kind === 'appendix') return this.readAppendixHeading(i, marker);
    if (this.skipping) return i + 1;
    if (RECIPIENTS.test(line.text)) {
      this.skipping = true;
      return i + 1;
    }
    if (ATTACHMENT_NOTE.test(line.text)) return i + 1;
    const unit = UNIT_LINE.exec(line.text);
    if (unit) {
      this.unit = (unit[1] ?? '').trim().toLowerCase();
      return i + 1;
    }
    if (isTabTableHeader(line)) {
      const result = parseTabTable(this.lines, i, { basePath: this.path(), unit: this.unit });
      this.file(result.drafts);
      return result.end;
    }
    if (this.inAppendix && isPdfTableHeader(line)) {
      const result = parsePdfTable(this.lines, i, { basePath: this.path() });
      this.file(result.drafts);
      return result.end;
    }
    if (line.footnote) {
      this.emitFootnote(line);
      return i + 1;
    }
    const { block, next } = this.readBlock(i, marker);
    this.handleBlock(block, next);
    return next;
  }

  /** The title block: short lines before the first rule, heading or long paragraph. */
  private readTitle(): number {
    const title: PreparedLine[] = [];
    let i = 0;
    for (; i < this.lines.length && i < 20; i++) {
      const line = this.lines[i] as PreparedLine;
      if (line.blank) continue;
      if (line.separator) {
        if (title.length > 0) {
          i++;
          break;
        }
        continue;
      }
      const marker = classifyMarker(line);
      if (marker && marker.kind !== 'mdheading') break;
      if (line.text.length > 150 || endsSentence(line.text, true) || /^Căn cứ\b/u.test(line.text)) break;
      if (DOC_NUMBER_LINE.test(line.text) || PLACE_DATE_LINE.test(line.text)) continue;
      title.push(line);
    }
    if (title.length === 0) return 0;
    const text = title
      .map((line, index) => tidyCase(cleanText(line.text), index === 0))
      .join(' ');
    const first = title[0] as PreparedLine;
    const last = title[title.length - 1] as PreparedLine;
    this.drafts.push({ sectionPath: [], text: cleanText(text), lineStart: first.no, lineEnd: last.no, kind: 'heading' });
    return i;
  }

  private readAppendixHeading(i: number, marker: Marker): number {
    this.closeTo(() => true);
    this.skipping = false;
    this.inAppendix = true;
    this.unit = undefined;
    const first = this.lines[i] as PreparedLine;
    const pieces = [marker.rest];
    let last = first;
    let j = i + 1;
    // The title may follow on the next lines (001: "Phụ lục I" / "PHÂN CÔNG…"), or wrap
    // after a comma (004: "…CÁC BAN ĐẢNG, TRƯỜNG CHÍNH TRỊ," / "MTTQ VÀ…").
    while (j < this.lines.length) {
      const next = this.lines[j] as PreparedLine;
      if (next.blank || next.separator || classifyMarker(next) || ATTACHMENT_NOTE.test(next.text)) break;
      if (isTabTableHeader(next) || isPdfTableHeader(next) || UNIT_LINE.test(next.text)) break;
      const soFar = pieces.join(' ').trim();
      if (soFar.length > 0 && !/[,–-]$/u.test(soFar) && !isMostlyUppercase(next.text)) break;
      if (soFar.length > 0 && !/[,–-]$/u.test(soFar) && !isMostlyUppercase(soFar)) break;
      pieces.push(next.text);
      last = next;
      j++;
    }
    const rawTitle = cleanText(joinWrapped(pieces))
      .replace(/\(\s*(?:ban hành\s+)?kèm theo[^)]*\)?/giu, '')
      .replace(/[\s:.]+$/u, '')
      .trim();
    const title = rawTitle ? `${marker.label}: ${tidyCase(rawTitle)}` : marker.label;
    this.open.push({ rank: 0, title, fullText: title, lineStart: first.no, lineEnd: last.no, used: true });
    return j;
  }

  /** Reads one block (heading, bullet or paragraph) starting at `i`. */
  private readBlock(i: number, marker: Marker | undefined): { block: Block; next: number } {
    const first = this.lines[i] as PreparedLine;
    const block: Block = { lines: [first], marker, footnotes: [] };
    const structural = marker !== undefined && marker.rank !== undefined;
    let j = i + 1;
    let sawBlank = false;
    let resume = j;
    while (j < this.lines.length) {
      const line = this.lines[j] as PreparedLine;
      if (line.blank || line.separator) {
        sawBlank = true;
        j++;
        continue;
      }
      if (line.footnote) {
        block.footnotes.push(line);
        j++;
        continue;
      }
      if (this.stopsProse(line)) break;
      const lastText = block.lines[block.lines.length - 1]?.text ?? '';
      const nextMarker = classifyMarker(line);
      if (nextMarker && (isStrongMarker(nextMarker) || endsSentence(lastText, true))) break;
      if (structural) {
        // A heading continues only when visibly wrapped: no blank line, an unfinished
        // phrase ("…, kỹ năng số," / "…trên") or a lower-case next line.
        const wrapped =
          !sawBlank &&
          !endsSentence(lastText) &&
          (/[,&–-]$/u.test(lastText) || CONNECTIVE_END.test(lastText) || startsLowercase(line.text));
        const lead = marker.kind === 'part' && marker.rest.length === 0 && block.lines.length === 1 && !sawBlank;
        if (!wrapped && !lead) break;
      } else if (sawBlank && !this.continuesAcrossBlank(lastText, line.text)) break;
      block.lines.push(line);
      sawBlank = false;
      j++;
      resume = j;
    }
    // Footnotes after the block's last line are not part of it: the main loop reads them.
    const lastNo = block.lines[block.lines.length - 1]?.no ?? first.no;
    block.footnotes = block.footnotes.filter((f) => f.no < lastNo);
    return { block, next: resume };
  }

  /**
   * A paragraph interrupted by a blank line (a page break in the source) goes on when its
   * last line is unfinished and the next line reads as the rest of the sentence: lower-case,
   * a number, an acronym ("MTTQ và…"), or after a trailing comma or connective.
   */
  private continuesAcrossBlank(lastText: string, nextText: string): boolean {
    if (endsSentence(lastText)) return false;
    if (startsLowercase(nextText) || /^\d/.test(nextText)) return true;
    if (/[,&–-]$/u.test(lastText) || CONNECTIVE_END.test(lastText)) return true;
    const firstWord = /^[\p{L}&-]+/u.exec(nextText)?.[0] ?? '';
    return firstWord.length >= 2 && firstWord.length <= 6 && firstWord === firstWord.toUpperCase() && /\p{L}{2}/u.test(firstWord);
  }

  private stopsProse(line: PreparedLine): boolean {
    const marker = classifyMarker(line);
    return (
      marker?.kind === 'appendix' ||
      RECIPIENTS.test(line.text) ||
      ATTACHMENT_NOTE.test(line.text) ||
      UNIT_LINE.test(line.text) ||
      isTabTableHeader(line) ||
      (this.inAppendix && isPdfTableHeader(line))
    );
  }

  // ---------------------------------------------------------------- structure

  private handleBlock(block: Block, next: number): void {
    for (const footnote of block.footnotes) this.emitFootnote(footnote);
    const marker = block.marker;
    const first = block.lines[0] as PreparedLine;
    const last = block.lines[block.lines.length - 1] as PreparedLine;
    const joined = cleanText(joinWrapped(block.lines.map((l) => l.text)));
    if (joined.length === 0) return;

    if (!marker) {
      // "Trên đây là Kế hoạch…" closes the whole document, not its last section.
      if (CLOSING.test(joined)) this.closeTo((s) => s.rank !== 0);
      this.emit(joined, 'paragraph', first.no, last.no);
      return;
    }
    if (marker.kind === 'dash' || marker.kind === 'plus') {
      const text = cleanText(joinWrapped([marker.rest, ...block.lines.slice(1).map((l) => l.text)]));
      this.closeMinor(marker.kind);
      if (this.isPseudoHeading(text, marker, next)) {
        const title = shortTitle(text);
        this.open.push({ minorKey: marker.kind, title, fullText: text, lineStart: first.no, lineEnd: last.no, used: false });
      } else {
        this.emit(text, 'bullet', first.no, last.no);
      }
      return;
    }

    const heading = this.headingParts(block, marker);
    if (marker.kind === 'paren') {
      this.closeMinor('paren');
      this.open.push({ minorKey: 'paren', title: heading.title, fullText: heading.full, lineStart: first.no, lineEnd: last.no, used: false });
    } else {
      const rank = marker.rank ?? 9;
      this.closeTo((s) => s.rank === undefined || s.rank >= rank);
      this.open.push({ rank, title: heading.title, fullText: heading.full, lineStart: first.no, lineEnd: last.no, used: false });
    }
    if (heading.content) this.emit(heading.full, heading.content, first.no, last.no);
  }

  /**
   * Splits a heading line into its section-path title and, when the line carries more than a
   * title (a sentence, a long lead-in), the kind of chunk its full text becomes.
   */
  private headingParts(block: Block, marker: Marker): { title: string; full: string; content?: Chunk['kind'] } {
    const restLines = [marker.rest, ...block.lines.slice(1).map((l) => l.text)];
    const rest = cleanText(joinWrapped(restLines));
    const label = marker.kind === 'part' ? `${marker.label}:` : marker.label;
    const full = label ? `${label} ${tidyCase(rest)}` : tidyCase(rest);
    // "a) *Về hạ tầng CNTT*: Giai đoạn…" — an emphasised lead is the title.
    const rawFirst = (block.lines[0]?.raw ?? '').replace(/^\s*#+\s*/, '');
    const emphasised = /^\s*\S+\s*\*{1,3}([^*]{2,120}?)\*{1,3}\s*:?\s*(.*)$/u.exec(rawFirst);
    if (emphasised && (emphasised[2] ?? '').trim().length > 0 && marker.kind !== 'dash' && marker.kind !== 'plus') {
      const lead = cleanText(emphasised[1] ?? '');
      return { title: `${label} ${tidyCase(lead)}`.trim(), full, content: 'paragraph' };
    }
    const cased = tidyCase(rest);
    const short = shortTitle(cased);
    const title = label ? `${label} ${short}` : short;
    // A numbered sentence ("2. Báo cáo … theo quy định.") is content as well as a heading;
    // a long title cut for the path, or a long lead-in ending in ":", is kept whole as a heading chunk.
    const isSentence = /[.!?…]["”)]*$/u.test(rest) && !/:$/.test(rest);
    const truncated = short !== cased.replace(/[\s:;,.]+$/u, '');
    if (isSentence) return { title, full, content: 'paragraph' };
    if (truncated || (/:$/.test(rest) && rest.length > MAX_TITLE_CHARS / 2)) return { title, full, content: 'heading' };
    return { title, full };
  }

  /** A short bullet without final punctuation whose next line is its child acts as a heading. */
  private isPseudoHeading(text: string, marker: Marker, next: number): boolean {
    if (text.length > 100 || /[.;,!?…]$/u.test(text)) return false;
    let k = next;
    while (k < this.lines.length && (this.lines[k]?.blank || this.lines[k]?.separator)) k++;
    const line = this.lines[k];
    if (!line || this.stopsProse(line) || line.footnote) return false;
    const following = classifyMarker(line);
    if (!following) return true;
    return (following.kind === 'dash' || following.kind === 'plus') && following.kind !== marker.kind;
  }

  /** Closes open minor sections up to and including the last one of `key`, if open. */
  private closeMinor(key: string): void {
    const index = this.open.map((s) => s.minorKey).lastIndexOf(key);
    if (index < 0) return;
    this.closeTo((_, position) => position >= index);
  }

  /** Pops open sections from the top while `predicate` holds, filing empty ones as headings. */
  private closeTo(predicate: (section: OpenSection, position: number) => boolean): void {
    while (this.open.length > 0) {
      const position = this.open.length - 1;
      const top = this.open[position] as OpenSection;
      if (!predicate(top, position)) break;
      if (!top.used) {
        const kind = /[.!?…]["”)]*$/u.test(top.fullText) ? 'paragraph' : 'heading';
        this.drafts.push({ sectionPath: this.path(), text: top.fullText, lineStart: top.lineStart, lineEnd: top.lineEnd, kind });
      }
      this.open.pop();
    }
  }

  private path(): string[] {
    return this.open.map((s) => s.title);
  }

  private emit(text: string, kind: Chunk['kind'], lineStart: number, lineEnd: number): void {
    if (text.trim().length === 0) return;
    for (const section of this.open) section.used = true;
    this.drafts.push({ sectionPath: this.path(), text, lineStart, lineEnd, kind });
  }

  private emitFootnote(line: PreparedLine): void {
    const text = cleanText(line.text);
    if (text.length > 0) this.emit(`Chú thích: ${text}`, 'paragraph', line.no, line.no);
  }

  private file(drafts: DraftChunk[]): void {
    if (drafts.length > 0) for (const section of this.open) section.used = true;
    this.drafts.push(...drafts);
  }

  // ---------------------------------------------------------------- output

  /** Splits long prose, assigns ids and dates, orders by position. */
  private finish(): Chunk[] {
    const { id: docId, date } = this.doc.meta;
    const ordered = [...this.drafts].sort((a, b) => a.lineStart - b.lineStart || a.lineEnd - b.lineEnd);
    const used = new Set<string>();
    const chunks: Chunk[] = [];
    for (const draft of ordered) {
      const text = draft.text.trim();
      if (text.length === 0) continue;
      const pieces = draft.kind === 'table_row' ? [text] : splitLongText(text);
      pieces.forEach((piece, index) => {
        const base = `${docId}:${draft.lineStart}-${draft.lineEnd}`;
        let id = pieces.length > 1 ? `${base}#${index + 1}` : base;
        for (let n = 2; used.has(id); n++) id = `${base}#${pieces.length > 1 ? `${index + 1}.${n}` : n}`;
        used.add(id);
        chunks.push({
          id,
          docId,
          sectionPath: [...draft.sectionPath],
          text: piece,
          lineStart: draft.lineStart,
          lineEnd: draft.lineEnd,
          date,
          kind: draft.kind,
        });
      });
    }
    return chunks;
  }
}
