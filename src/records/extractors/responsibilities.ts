/**
 * Responsibilities from prose: the "Tổ chức thực hiện" section of a plan assigns each agency
 * its duties, and this extractor turns it into one record per agency heading (or per
 * sentence subject), each duty cited by its lines.
 *
 * The four documents write the section in three ways, all handled here:
 *  - numbered headings naming agencies, with "- " bullets or paragraphs below
 *    (001 "1. Sở Thông tin và Truyền thông", 004 "5. Văn phòng Tỉnh ủy");
 *  - numbered paragraphs that open with their subject (003 "3. Ban Tuyên giáo Tỉnh ủy chỉ
 *    đạo…", "4. Giao Ban cán sự đảng UBND tỉnh chủ trì…", 002 "1. Căn cứ …, yêu cầu các
 *    phòng, đơn vị thuộc ngành…"); a numbered paragraph without a subject continues the
 *    previous one (002 "2. Báo cáo kết quả … về Sở …");
 *  - the closing paragraph ("Trên đây là Kế hoạch …, yêu cầu / đề nghị <agency> …").
 *
 * A sentence inside a heading's section that opens with another agency ("Công an tỉnh phối
 * hợp …") is that agency's duty, not the heading's: it becomes a record of its own.
 * Subjects too vague for the directory ("các cơ quan, đơn vị") are left to the reviewed data.
 */
import { stripMarkup } from '../../kb/sectioning/text-clean.ts';
import type { LoadedDocument } from '../../kb/types.ts';
import type { AgencyDirectory } from '../agencies.ts';
import type { ResponsibilityDuty, ResponsibilityRecord } from '../schema.ts';

/** Where the section is and what it is called. */
export interface ResponsibilitySection {
  /** "VI. Tổ chức thực hiện", "Phần thứ ba. Tổ chức thực hiện". */
  title: string;
  /** 1-based line of the section heading. */
  line: number;
  /** 1-based last line before the "Nơi nhận" list (or the end of the document). */
  end: number;
}

/** A paragraph or bullet of the section that no record took (for the coverage report). */
export interface ResponsibilityUnit {
  lines: [number, number];
  text: string;
}

export interface ResponsibilityExtraction {
  section?: ResponsibilitySection;
  records: ResponsibilityRecord[];
  /** Every paragraph, bullet and numbered paragraph of the section (headings excluded). */
  units: ResponsibilityUnit[];
}

const SECTION_HEADING = /^(?:#+\s*)?(?:(Phần thứ \p{L}+)\s+|([IVXL]+)\.\s*)TỔ CHỨC THỰC HIỆN\s*$/u;
const RECIPIENTS = /^(?:#+\s*)?Nơi nhận\s*:?/u;
/** At most two digits: a wrapped PDF line may start with a year ("2024. Trong …"). */
const NUMBERED = /^(\d{1,2})\.\s+/u;
const BULLET = /^[-+•]\s+/u;
const TERMINAL = /(?:[.;:!?…]|\.\/\.)\s*$/u;
const CLOSING = /^Trên đây là\s/u;
/** A heading is short and has no closing punctuation; a longer numbered line is a paragraph. */
const MAX_HEADING = 160;
/** Words that may stand before a subject at the start of a sentence ("Giao Ban cán sự đảng …"). */
const SUBJECT_LEAD = /^\s*(?:(?:giao|yêu cầu|đề nghị)\s*)?$/iu;
/** A leading "Căn cứ …," clause before the subject (003 "Căn cứ Nghị quyết này, UBND tỉnh …"). */
const BASIS_CLAUSE = /^Căn cứ[^,;]*,\s*/u;
/** Where a closing paragraph hands work to someone: the subject follows these words. */
const CLOSING_VERB = /(?:đề nghị|yêu cầu)\s+/gu;

interface Segment {
  line: number;
  /** Offset of this line's text in the block text. */
  start: number;
}

interface Block {
  text: string;
  segments: Segment[];
  first: number;
  last: number;
}

type Kind = 'heading' | 'numbered' | 'bullet' | 'plain';

interface Piece {
  kind: Kind;
  /** Item number for headings and numbered paragraphs. */
  number?: string;
  /** Text without its marker ("1. ", "- "). */
  text: string;
  /** Maps offsets of `text` to source lines. */
  lineAt: (offset: number) => number;
  lines: [number, number];
}

interface Draft {
  id: string;
  section: string;
  agencyText: string;
  agencyIds: string[];
  duties: ResponsibilityDuty[];
  from: number;
  /** Numbered items it spans (003/002 style), for the section label. */
  items: string[];
  sectionBase: string;
}

/** Finds the "Tổ chức thực hiện" section of a document, if it has one. */
export function findResponsibilitySection(doc: LoadedDocument): ResponsibilitySection | undefined {
  for (let i = 0; i < doc.lines.length; i++) {
    const text = stripMarkup(doc.lines[i] ?? '');
    const m = SECTION_HEADING.exec(text);
    if (!m) continue;
    const title = m[1] ? `${m[1]}. Tổ chức thực hiện` : `${m[2]}. Tổ chức thực hiện`;
    let end = doc.lines.length;
    for (let j = i + 1; j < doc.lines.length; j++) {
      if (RECIPIENTS.test(stripMarkup(doc.lines[j] ?? ''))) {
        end = j; // 1-based line j is the one before "Nơi nhận" (line j + 1)
        break;
      }
    }
    return { title, line: i + 1, end };
  }
  return undefined;
}

/**
 * The responsibility records of one document (none when it has no "Tổ chức thực hiện"
 * section). Agencies are resolved with `agencies`; without a directory no subject can be
 * recognised, so only headed sections give records (with empty `agencyIds`).
 *
 * @example
 * extractResponsibilities(doc004, agencies).records.find((r) => r.agencyIds.includes('van-phong-tinh-uy'))?.duties.length // 6
 */
export function extractResponsibilities(doc: LoadedDocument, agencies?: AgencyDirectory): ResponsibilityExtraction {
  const section = findResponsibilitySection(doc);
  if (!section) return { records: [], units: [] };
  const docId = doc.meta.id;
  const pieces = blocksOf(doc, section.line + 1, section.end).map(classify);
  const resolve = (text: string): string[] => agencies?.resolve(text) ?? [];

  const drafts: Draft[] = [];
  const units: ResponsibilityUnit[] = [];
  let current: Draft | undefined;
  let currentKind: 'heading' | 'item' | undefined;

  const open = (id: string, sectionBase: string, label: string, agencyText: string, ids: string[], from: number, item?: string): Draft => {
    const draft: Draft = { id, section: `${sectionBase} › ${label}`, agencyText, agencyIds: ids, duties: [], from, items: item ? [item] : [], sectionBase };
    drafts.push(draft);
    return draft;
  };

  /** Adds a unit to a heading's record, splitting off sentences that open with another agency. */
  const addUnderHeading = (draft: Draft, piece: Piece): void => {
    let run: { target: Draft; start: number; end: number } | undefined;
    const flushRun = (): void => {
      if (run) addDuty(run.target, piece.text.slice(run.start, run.end), [piece.lineAt(run.start), piece.lineAt(run.end - 1)]);
    };
    for (const sentence of sentencesOf(piece.text)) {
      const subject = agencies ? subjectAtStart(sentence.text, agencies) : undefined;
      if (subject && !subject.ids.every((id) => draft.agencyIds.includes(id))) {
        flushRun();
        const n = drafts.filter((d) => d.id.startsWith(`${draft.id}.`)).length + 1;
        const label = draft.section.slice(draft.sectionBase.length + 3);
        run = { target: open(`${draft.id}.${n}`, draft.sectionBase, label, subject.text, subject.ids, piece.lineAt(sentence.start)), start: sentence.start, end: sentence.end };
      } else if (run) run.end = sentence.end;
      else run = { target: draft, start: sentence.start, end: sentence.end };
    }
    flushRun();
  };

  const addDuty = (draft: Draft, text: string, lines: [number, number]): void => {
    draft.duties.push({ text: text.trim(), lines, namedIds: [] });
  };

  for (const piece of pieces) {
    if (piece.kind === 'heading') {
      current = open(`${docId}:TCTH:${piece.number}`, section.title, `${piece.number}. ${piece.text}`, piece.text, resolve(piece.text), piece.lines[0]);
      currentKind = 'heading';
      continue;
    }
    units.push({ lines: piece.lines, text: piece.text });
    if (piece.kind === 'numbered') {
      const subject = agencies ? subjectAtStart(piece.text, agencies, true) : undefined;
      if (subject) {
        current = open(`${docId}:TCTH:${piece.number}`, section.title, `${piece.number}`, subject.text, subject.ids, piece.lines[0], piece.number);
        currentKind = 'item';
        addDuty(current, piece.text, piece.lines);
      } else if (current && currentKind === 'item') {
        current.items.push(piece.number ?? '');
        addDuty(current, piece.text, piece.lines);
      }
    } else if (CLOSING.test(piece.text)) {
      const found = agencies ? closingSubject(piece.text, agencies) : undefined;
      if (found) {
        const draft = open(`${docId}:TCTH:ket`, section.title, 'Đoạn kết', found.subject.text, found.subject.ids, piece.lineAt(found.sentence.start));
        addDuty(draft, found.sentence.text, [piece.lineAt(found.sentence.start), piece.lineAt(found.sentence.end - 1)]);
      }
      current = undefined;
      currentKind = undefined;
    } else if (current && currentKind === 'heading') {
      addUnderHeading(current, piece);
    } else if (agencies) {
      // A paragraph outside any heading that opens with its subject.
      const subject = subjectAtStart(piece.text, agencies, true);
      if (subject) {
        const n = drafts.filter((d) => d.id.startsWith(`${docId}:TCTH:p`)).length + 1;
        const draft = open(`${docId}:TCTH:p${n}`, section.title, `đoạn ${n}`, subject.text, subject.ids, piece.lines[0]);
        addDuty(draft, piece.text, piece.lines);
      }
    }
  }

  const records: ResponsibilityRecord[] = drafts
    .filter((d) => d.duties.length > 0)
    .map((d) => {
      const section = d.items.length > 1 ? `${d.sectionBase} › ${d.items[0]}–${d.items.at(-1)}` : d.section;
      const to = Math.max(...d.duties.map((x) => x.lines[1]));
      return {
        id: d.id,
        docId,
        section,
        agencyText: d.agencyText,
        agencyIds: d.agencyIds,
        duties: d.duties.map((x) => ({ ...x, namedIds: namedIn(x.text, d.agencyIds, resolve) })),
        lines: [d.from, to] as [number, number],
        origin: 'extracted' as const,
      };
    });
  return { section, records, units };
}

/** Agencies a duty names besides the record's own, in text order. */
export function namedIn(text: string, own: readonly string[], resolve: (text: string) => string[]): string[] {
  return resolve(text).filter((id) => !own.includes(id));
}

/** The text of a line as the record stores it: markup removed, whitespace collapsed. */
function cleanLine(line: string): string {
  return stripMarkup(line);
}

/**
 * Blank-line separated blocks; a numbered line or a bullet starts a new block even without
 * a blank line before it (PDF text), and a paragraph cut by a blank line mid-sentence
 * (004: "… chỉ đạo Sở Kế hoạch và Đầu tư," / "Sở Tài chính phối hợp …") is joined again.
 */
function blocksOf(doc: LoadedDocument, from: number, to: number): Block[] {
  const blocks: Block[] = [];
  let cur: Block | undefined;
  const flush = (): void => {
    if (cur) blocks.push(cur);
    cur = undefined;
  };
  for (let n = from; n <= to; n++) {
    const text = cleanLine(doc.lines[n - 1] ?? '');
    if (text === '') {
      flush();
      continue;
    }
    if (cur && (NUMBERED.test(text) || BULLET.test(text))) flush();
    if (!cur) {
      const prev = blocks.at(-1);
      const continues = prev && !TERMINAL.test(prev.text) && !NUMBERED.test(prev.text) && !NUMBERED.test(text) && !BULLET.test(text);
      if (continues && prev) {
        blocks.pop();
        cur = prev;
      } else cur = { text: '', segments: [], first: n, last: n };
    }
    const start = cur.text === '' ? 0 : cur.text.length + 1;
    cur.text = cur.text === '' ? text : `${cur.text} ${text}`;
    cur.segments.push({ line: n, start });
    cur.last = n;
  }
  flush();
  return blocks;
}

function classify(block: Block): Piece {
  let kind: Kind = 'plain';
  let number: string | undefined;
  let marker = 0;
  const numbered = NUMBERED.exec(block.text);
  const bullet = BULLET.exec(block.text);
  if (numbered) {
    number = numbered[1];
    marker = numbered[0].length;
    const rest = block.text.slice(marker);
    kind = !TERMINAL.test(rest) && rest.length <= MAX_HEADING ? 'heading' : 'numbered';
  } else if (bullet) {
    kind = 'bullet';
    marker = bullet[0].length;
  }
  const text = block.text.slice(marker).trim();
  const lineAt = (offset: number): number => {
    const abs = offset + marker;
    let line = block.first;
    for (const s of block.segments) if (s.start <= abs) line = s.line;
    return line;
  };
  return { kind, ...(number ? { number } : {}), text, lineAt, lines: [block.first, block.last] };
}

interface Sentence {
  text: string;
  start: number;
  end: number;
}

/** Sentences of a unit: a full stop, "!" or "?" followed by a capital letter. */
function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /(?<=[.!?])\s+(?=\p{Lu})/gu;
  let start = 0;
  for (const m of text.matchAll(re)) {
    out.push({ text: text.slice(start, m.index), start, end: m.index });
    start = m.index + m[0].length;
  }
  out.push({ text: text.slice(start), start, end: text.length });
  return out.filter((s) => s.text.trim() !== '');
}

/**
 * The agency a sentence opens with: its first mention, with nothing before it but "Giao",
 * "yêu cầu" or "đề nghị" (and, for a numbered paragraph, a "Căn cứ …," clause). All
 * agencies of a list that starts there are the subject ("Sở Kế hoạch và Đầu tư, Sở Tài chính").
 */
function subjectAtStart(text: string, agencies: AgencyDirectory, allowBasis = false): { text: string; ids: string[] } | undefined {
  const mentions = agencies.mentions(text);
  const first = mentions[0];
  if (!first) return undefined;
  let prefix = text.slice(0, first.start);
  if (allowBasis) prefix = prefix.replace(BASIS_CLAUSE, '');
  if (!SUBJECT_LEAD.test(prefix)) return undefined;
  // Agencies listed right after the first one ("A, B và C") share the subject.
  let end = first.end;
  const ids = [first.agencyId];
  for (const m of mentions.slice(1)) {
    if (!/^\s*(?:,|và|;)?\s*(?:Sở\s+)?$/u.test(text.slice(end, m.start)) || text.slice(end, m.start).length > 6) break;
    end = m.end;
    if (!ids.includes(m.agencyId)) ids.push(m.agencyId);
  }
  return { text: text.slice(first.start, end), ids };
}

/** In a closing paragraph: the sentence that asks someone to act, and who. */
function closingSubject(text: string, agencies: AgencyDirectory): { sentence: Sentence; subject: { text: string; ids: string[] } } | undefined {
  for (const sentence of sentencesOf(text)) {
    for (const verb of sentence.text.matchAll(CLOSING_VERB)) {
      const after = sentence.text.slice(verb.index + verb[0].length);
      const first = agencies.mentions(after)[0];
      if (first && first.start === 0) return { sentence, subject: { text: first.matched, ids: [first.agencyId] } };
    }
  }
  return undefined;
}
