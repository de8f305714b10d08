/**
 * Counts, lists and sums computed from the records, showing what was counted: "nhóm Xã hội
 * số có bao nhiêu nhiệm vụ?" (the group's rows), "Phụ lục I có bao nhiêu chỉ tiêu?" (its
 * targets, by group), "căn cứ bao nhiêu văn bản?" (the items of a list in the text), and
 * "tổng kinh phí của nhóm …" (the document's subtotal, and the sum of its rows when that differs).
 */
import type { TurnContext, TurnReply } from '../core/dialogue.ts';
import type { SourceRef } from '../core/messages.ts';
import { shortSectionPath, splitSentences, truncateAtWord } from '../answer/compose-answer.ts';
import { asks, foldWords } from '../nlu/question-frame.ts';
import type { RecordLookup } from '../records/record-lookup.ts';
import type { GroupRecord, TargetRecord, TaskRecord } from '../records/schema.ts';
import { formatMillions } from './records-handlers.ts';

const INTENT = 'plan_question';
/** A group is the thing asked about when most of its title's words are in the question. */
const MIN_GROUP_SHARE = 0.6;
/** Lists stay within one Zalo message. */
const MAX_CHARS = 1800;
/** Nouns that count rows of a table. */
const ROW_NOUNS = ['nhiem vu', 'du an', 'de an', 'nhiem', 'hang muc', 'noi dung'];
/** Inline enumerations "(i) …; (ii) …", "a) …, b) …". */
const INLINE_ITEM = /\((?:[ivx]{1,4}|\d{1,2}|[a-zđ])\)\s*/giu;

function docLabel(ctx: TurnContext, docId: string): { name: string; date: string } {
  const d = ctx.services.kb.documents.get(docId);
  return { name: d?.shortName ?? docId, date: d?.date ?? '' };
}

const citation = (ref: SourceRef) => `Nguồn: ${ref.title} (${ref.date}), ${ref.section}${ref.lines ? `, dòng ${ref.lines}` : ''}.`;

/** The appendix a question names ("Phụ lục III", "phụ lục 1"), folded, if any. */
function appendixNamed(text: string): string | undefined {
  return / phu luc ([ivx]+|\d+) /.exec(` ${foldWords(text)} `)?.[1];
}

function appendixMatches(appendix: string, named: string | undefined): boolean {
  return named === undefined || foldWords(appendix).endsWith(` ${named}`);
}

/** Tasks under a group row (itself or any group below it), without lettered sub-rows. */
function tasksOfGroup(lookup: RecordLookup, g: GroupRecord): TaskRecord[] {
  // Group rows and the headings on task rows may differ in case ("XÃ HỘI SỐ" / "10 Xã hội số").
  const title = foldWords(`${g.row} ${g.name}`);
  const name = foldWords(g.name);
  return lookup.tasks.filter(
    (t) => t.docId === g.docId && t.appendix === g.appendix && !t.parentId && t.group.some((h) => foldWords(h) === title || foldWords(h).endsWith(` ${name}`)),
  );
}

/**
 * Every group of the appendices: the stored group rows, plus the headings the task rows
 * carry where no group row was stored (the PDF table of 001 keeps its groups only as headings).
 */
function allGroups(lookup: RecordLookup): GroupRecord[] {
  const known = new Set(lookup.groups.map((g) => `${g.docId}\0${g.appendix}\0${foldWords(`${g.row} ${g.name}`)}`));
  const synthetic = new Map<string, GroupRecord>();
  for (const t of lookup.tasks) {
    t.group.forEach((heading, depth) => {
      const key = `${t.docId}\0${t.appendix}\0${foldWords(heading)}`;
      if (known.has(key) || synthetic.has(key)) return;
      const [, row = '', name = heading] = /^([\dIVX.]+)\s+(.+)$/u.exec(heading) ?? [];
      synthetic.set(key, { id: `${t.docId}:${t.appendix}:${row}`, docId: t.docId, appendix: t.appendix, row, name, path: t.group.slice(0, depth), leadText: '', lines: t.lines });
    });
  }
  return [...lookup.groups, ...synthetic.values()];
}

/** The group row the question names best (most of its title's words), preferring one whose tasks involve the agencies named. */
function groupAsked(ctx: TurnContext, lookup: RecordLookup): GroupRecord | undefined {
  const { kb } = ctx.services;
  const question = new Set(kb.keywords(ctx.text));
  const docIds = ctx.frame?.docIds ?? [];
  const appendix = appendixNamed(ctx.text);
  const named = new Set(ctx.frame?.agencyIds ?? []);
  let best: { g: GroupRecord; share: number; shared: number; agencies: number } | undefined;
  for (const g of allGroups(lookup)) {
    if ((docIds.length > 0 && !docIds.includes(g.docId)) || !appendixMatches(g.appendix, appendix)) continue;
    const words = kb.keywords(g.name);
    if (words.length === 0) continue;
    const shared = words.filter((w) => question.has(w)).length;
    const share = shared / words.length;
    if (share < MIN_GROUP_SHARE) continue;
    const leads = tasksOfGroup(lookup, g).flatMap((t) => lookup.agencies.resolve(`${t.leadText}; ${t.coordinateText}; ${t.content}`));
    const agencies = leads.filter((id) => named.has(id)).length;
    const better = !best || share > best.share || (share === best.share && (shared > best.shared || (shared === best.shared && agencies > best.agencies)));
    if (better) best = { g, share, shared, agencies };
  }
  return best?.g;
}

function rowsRef(ctx: TurnContext, docId: string, section: string, rows: ReadonlyArray<{ lines: [number, number] }>): SourceRef {
  const { name, date } = docLabel(ctx, docId);
  return { doc: docId, title: name, section, date, lines: `${Math.min(...rows.map((r) => r.lines[0]))}-${Math.max(...rows.map((r) => r.lines[1]))}` };
}

/** "Nhóm X có bao nhiêu nhiệm vụ?": the group's rows, counted and named. */
function groupCount(ctx: TurnContext, lookup: RecordLookup): TurnReply | undefined {
  const counted = ctx.frame?.counted ?? '';
  if (!ROW_NOUNS.some((n) => counted.startsWith(n))) return undefined;
  const g = groupAsked(ctx, lookup);
  if (!g) return undefined;
  const tasks = tasksOfGroup(lookup, g);
  if (tasks.length === 0) return undefined;
  const { name, date } = docLabel(ctx, g.docId);
  const ref = rowsRef(ctx, g.docId, `${g.appendix}, nhóm ${g.row}`.trim(), [g, ...tasks]);
  const lines = tasks.map((t, i) => `${i + 1}. ${truncateAtWord(t.name, 110)} (mục ${t.row})`);
  const text = `Dạ, theo ${name} (${date}), ${g.appendix}, nhóm “${g.row} ${g.name}” có ${tasks.length} nhiệm vụ, dự án:\n${lines.join('\n')}\n\n${citation(ref)}`;
  return { messages: [{ type: 'text', text: truncateAtWord(text, MAX_CHARS) }], intent: INTENT, sources: [ref], confidence: 0.9 };
}

/** "Phụ lục I có bao nhiêu chỉ tiêu, chia mấy nhóm?": the targets, counted by group. */
function targetCount(ctx: TurnContext, lookup: RecordLookup): TurnReply | undefined {
  if (!(ctx.frame?.counted ?? '').startsWith('chi tieu')) return undefined;
  const docIds = ctx.frame?.docIds ?? [];
  const inAppendix = appendixNamed(ctx.text) !== undefined;
  const question = new Set(ctx.services.kb.keywords(ctx.text));
  let targets = lookup.targets.filter((t) => (docIds.length === 0 || docIds.includes(t.docId)) && /:PL[IVX\d]+:/.test(t.id) === inAppendix);
  // A group named ("chỉ tiêu kinh tế số") narrows the count to it.
  const groups = [...new Set(targets.map((t) => t.group))];
  const namedGroup = groups.find((g) => {
    const words = ctx.services.kb.keywords(g);
    return words.length > 0 && words.filter((w) => question.has(w)).length / words.length >= MIN_GROUP_SHARE;
  });
  if (namedGroup) targets = targets.filter((t) => t.group === namedGroup);
  if (targets.length === 0 || new Set(targets.map((t) => t.docId)).size > 1) return undefined;
  const byGroup = new Map<string, TargetRecord[]>();
  for (const t of targets) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t]);
  const { name, date } = docLabel(ctx, targets[0]!.docId);
  const ref = rowsRef(ctx, targets[0]!.docId, inAppendix ? 'Phụ lục I' : 'Mục tiêu cụ thể', targets);
  const parts = [...byGroup.entries()].map(([g, list]) => `${g} (${list.length})`);
  // A handful of targets is listed too, so "có bao nhiêu chỉ tiêu về X?" also says which.
  const listed = targets.length <= 8 ? `\n${targets.map((t, i) => `${i + 1}. ${truncateAtWord(t.text, 140)}`).join('\n')}` : '';
  const text = `Dạ, theo ${name} (${date})${inAppendix ? ', Phụ lục I' : ''}: ${targets.length} chỉ tiêu, gồm ${byGroup.size} nhóm: ${parts.join('; ')}.${listed}\n\n${citation(ref)}`;
  return { messages: [{ type: 'text', text }], intent: INTENT, sources: [ref], confidence: 0.85 };
}

/**
 * "Căn cứ bao nhiêu văn bản?", "lên bao nhiêu nền tảng?": the items of the list the best
 * passage belongs to — an inline enumeration "(i) …; (ii) …" or the bullets of its section —
 * counted as printed (a skipped number in the document's own numbering is not counted).
 */
function listCount(ctx: TurnContext): TurnReply | undefined {
  const noun = ctx.frame?.counted?.split(' ')[0];
  if (!noun) return undefined;
  const { kb } = ctx.services;
  const docIds = ctx.frame?.docIds ?? [];
  const has = (text: string) => ` ${foldWords(text)} `.includes(` ${noun} `);
  for (const hit of ctx.hits.slice(0, 5).filter((h) => docIds.length === 0 || docIds.includes(h.chunk.docId))) {
    const heading = hit.chunk.sectionPath.at(-1) ?? '';
    let items: string[] = [];
    let lines: [number, number] = [hit.chunk.lineStart, hit.chunk.lineEnd];
    const inline = hit.chunk.text.split(INLINE_ITEM);
    // What is counted must be what the list is of: named before the enumeration, or in the list's heading.
    if (inline.length >= 3 && has(inline[0]!)) {
      items = inline.slice(1).map((s) => s.replace(/[;.,\s]+$/u, '').trim()).filter(Boolean);
    } else if (hit.chunk.kind === 'bullet' && has(heading)) {
      const siblings = kb.neighbours(hit.chunk).filter((c) => c.kind === 'bullet');
      if (siblings.length < 2) continue;
      items = siblings.map((c) => splitSentences(c.text)[0] ?? c.text);
      lines = [Math.min(...siblings.map((c) => c.lineStart)), Math.max(...siblings.map((c) => c.lineEnd))];
    } else continue;
    const per = Math.max(60, Math.floor(800 / items.length));
    const ref: SourceRef = { doc: hit.doc.id, title: hit.doc.shortName, section: shortSectionPath(hit.chunk.sectionPath), date: hit.doc.date, lines: `${lines[0]}-${lines[1]}` };
    const what = ctx.frame?.countedText ?? 'mục';
    const text = `Dạ, theo ${hit.doc.shortName} (${hit.doc.date}), mục “${truncateAtWord(heading, 80)}” nêu ${items.length} ${what}:\n${items
      .map((s, i) => `${i + 1}. ${truncateAtWord(s.replace(/^[-•]\s*/u, ''), per)}`)
      .join('\n')}\n\n${citation(ref)}`;
    return { messages: [{ type: 'text', text }], intent: INTENT, sources: [ref], confidence: 0.8 };
  }
  return undefined;
}

/**
 * "Tổng kinh phí của nhóm …": the subtotal the document prints on the group row; when its
 * rows add up to another figure, both are said (the document's first).
 */
function groupBudget(ctx: TurnContext, lookup: RecordLookup): TurnReply | undefined {
  if (!asks(ctx.frame, 'budget') || !/ (tong|tong cong|ca nhom|toan bo) /.test(` ${foldWords(ctx.text)} `)) return undefined;
  const g = groupAsked(ctx, lookup);
  if (!g) return undefined;
  const tasks = tasksOfGroup(lookup, g);
  const sum = Math.round(tasks.reduce((s, t) => s + (t.budget?.total ?? 0), 0) * 10) / 10;
  const printed = g.budget?.total;
  if (printed === undefined && sum === 0) return undefined;
  const { name, date } = docLabel(ctx, g.docId);
  const ref = rowsRef(ctx, g.docId, `${g.appendix}, nhóm ${g.row}`.trim(), [g, ...tasks]);
  const head =
    printed !== undefined
      ? `tổng kinh phí dự kiến ${formatMillions(printed)} triệu đồng (dòng tổng của nhóm)${sum > 0 && Math.abs(sum - printed) >= 1 ? `; cộng các dòng nhiệm vụ trong nhóm được ${formatMillions(sum)} triệu đồng, khác với số văn bản ghi` : ''}`
      : `văn bản không ghi dòng tổng; cộng các dòng nhiệm vụ có ghi kinh phí được ${formatMillions(sum)} triệu đồng`;
  const rows = tasks
    .filter((t) => t.budget?.total !== undefined)
    .map((t) => `• ${truncateAtWord(t.name, 80)} (mục ${t.row}): ${formatMillions(t.budget!.total!)} triệu đồng`);
  const shown = rows.length > 8 ? [...rows.slice(0, 8), `• … và ${rows.length - 8} dòng khác`] : rows;
  const text = `Dạ, theo ${name} (${date}), ${g.appendix}, nhóm “${g.row} ${g.name}”: ${head}.\n${shown.join('\n')}\n\n${citation(ref)}`;
  return { messages: [{ type: 'text', text }], intent: INTENT, sources: [ref], confidence: 0.9 };
}

/** A count or a group's total when the question asks one and the records or a list hold it. */
export function computedAnswer(ctx: TurnContext): TurnReply | undefined {
  const lookup = ctx.services.records;
  if (asks(ctx.frame, 'count')) {
    const counted = (lookup && (groupCount(ctx, lookup) ?? targetCount(ctx, lookup))) ?? listCount(ctx);
    if (counted) return counted;
  }
  return lookup ? groupBudget(ctx, lookup) : undefined;
}
