/**
 * Answers from the plans' records: who leads a task (with coordinating units, period,
 * status, budget, legal basis), what an agency leads or coordinates (paged, grouped by
 * document), and targets (value, year, who monitors, who carries out). Every block names its
 * document, date, appendix row and lines. When the records do not hold the answer, the
 * plan-text search answers instead.
 */
import { buttonsMessage, type ConversationState, type Handler, type TurnContext, type TurnReply } from '../core/dialogue.ts';
import type { Button, OutgoingMessage, Reply, SourceRef } from '../core/messages.ts';
import type { DocumentMeta } from '../kb/types.ts';
import type { SearchHit } from '../retrieval/knowledge-base.ts';
import { analyze, foldDiacritics } from '../nlu/vietnamese.ts';
import { byDocumentOrder, RecordLookup, type AgencyRole, type TaskMatch } from '../records/record-lookup.ts';
import type { TargetRecord, TaskRecord } from '../records/schema.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';
import { askButtonTitle } from './menu.ts';
import { payloadHandler } from './conversation-handlers.ts';
import { asks, foldWords, type Attribute, type FrameReader, type QuestionFrame } from '../nlu/question-frame.ts';
import { ATTRIBUTE_LABEL, missingIn } from '../answer/attribute-evidence.ts';

/** Below this match quality a record is not the answer; the text search takes over. */
const MIN_RECORD_CONFIDENCE = 0.55;
/** Items per page in an agency's task list. */
export const PAGE_SIZE = 5;
/** A list reply must stay one Zalo message. */
const MAX_LIST_CHARS = 1900;
/** A list of targets should read on one phone screen. */
const MAX_TARGET_LIST_CHARS = 1150;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1).replace(/\s+\S*$/u, '') + '…';
}

const matchConfidence = (m: { coverage: number; phraseCoverage: number }) => (m.coverage + m.phraseCoverage) / 2;

/** "5820" → "5.820", "10.5" → "10,5" (Vietnamese number style). */
export function formatMillions(n: number): string {
  const [int, frac] = String(n).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return frac ? `${grouped},${frac}` : grouped;
}

function docOf(ctx: TurnContext, docId: string): DocumentMeta {
  const doc = ctx.services.kb.documents.get(docId);
  if (!doc) throw new Error(`record cites unknown document ${docId}`);
  return doc;
}

function taskSource(ctx: TurnContext, t: TaskRecord): SourceRef {
  const doc = docOf(ctx, t.docId);
  return { doc: doc.id, title: doc.shortName, section: `${t.appendix}, mục ${t.row}`, date: doc.date, lines: `${t.lines[0]}-${t.lines[1]}` };
}

function targetSource(ctx: TurnContext, t: TargetRecord): SourceRef {
  const doc = docOf(ctx, t.docId);
  // Appendix targets have ids "<doc>:PL<appendix>:<row>" (src/records/schema.ts).
  const appendix = /^[^:]+:PL([IVX\d]+):(.+)$/.exec(t.id);
  const section = appendix ? `Phụ lục ${appendix[1]} › ${t.group}` : `Mục tiêu › ${t.group}`;
  return { doc: doc.id, title: doc.shortName, section, date: doc.date, lines: `${t.lines[0]}-${t.lines[1]}` };
}

function citation(ref: SourceRef): string {
  return `Nguồn: ${ref.title} (${ref.date}), ${ref.section}, dòng ${ref.lines}.`;
}

const STATUS_TEXT: Record<NonNullable<TaskRecord['status']>, string> = {
  new: 'nhiệm vụ mới',
  continuing: 'nhiệm vụ tiếp tục triển khai',
};

/** The task fields an attribute of the frame asks for, and whether the row gives them. */
const TASK_FIELD_GIVEN: Partial<Record<Attribute, (t: TaskRecord, lead: string) => boolean>> = {
  lead: (_t, lead) => lead.length > 0,
  coordinate: (t) => t.coordinateText.length > 0,
  period: (t) => t.period.length > 0,
  budget: (t) => t.budget?.total !== undefined,
  unitPrice: (t) => /đơn giá/iu.test(t.content),
  status: (t) => t.status !== undefined,
  legalBasis: (t) => t.legalBasis.length > 0,
  product: (t) => t.product.length > 0,
};

/**
 * The fields of one task, one per line, only those the document gives; each field the
 * question asks for that the row lacks gets a line saying the appendix does not give it
 * (never a figure from a neighbouring row). The row's content is shown when the question
 * asks for a count or a list it holds ("cho 18 thiết bị").
 */
export function taskBlock(t: TaskRecord, lead: { text: string; from?: TaskRecord } = { text: t.leadText }, frame?: QuestionFrame): string {
  const lines = [`${t.row} ${t.name}`];
  if (t.content && frame && (asks(frame, 'count', 'list') || (frame.counted && foldWords(t.content).includes(frame.counted)))) {
    lines.push(`• Nội dung: ${truncate(t.content, 300)}`);
  }
  if (lead.text) lines.push(`• Chủ trì: ${lead.text}${lead.from ? ` (ghi ở mục ${lead.from.row})` : ''}`);
  if (t.coordinateText) lines.push(`• Phối hợp: ${t.coordinateText}`);
  if (t.period) lines.push(`• Thời gian: ${t.period}`);
  if (t.status) lines.push(`• Tình trạng: ${STATUS_TEXT[t.status]}`);
  if (t.budget?.total !== undefined) {
    const years = Object.entries(t.budget.byYear)
      .map(([y, v]) => `${y}: ${formatMillions(v)}`)
      .join('; ');
    lines.push(`• Kinh phí dự kiến: ${formatMillions(t.budget.total)} triệu đồng${years ? ` (${years})` : ''}`);
  }
  if (t.product) lines.push(`• Sản phẩm: ${t.product}`);
  if (t.legalBasis) lines.push(`• Căn cứ: ${t.legalBasis}`);
  for (const attribute of frame?.attributes ?? []) {
    const given = TASK_FIELD_GIVEN[attribute];
    if (given && !given(t, lead.text)) lines.push(`• ${capitalize(ATTRIBUTE_LABEL[attribute])}: ${t.appendix} không nêu cho nhiệm vụ này`);
  }
  return lines.join('\n');
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function targetBlock(t: TargetRecord): string {
  const lines = [t.text];
  if (t.year) lines.push(`• Năm/giai đoạn: ${t.year}`);
  if (t.monitorText) lines.push(`• Theo dõi, đôn đốc: ${t.monitorText}`);
  if (t.leadText) lines.push(`• Chủ trì thực hiện: ${t.leadText}`);
  return lines.join('\n');
}

/** Same task in another document: its name shares most of the best match's words. */
function sameTask(lookup: RecordLookup, a: TaskRecord, b: TaskRecord): boolean {
  if (a.docId === b.docId) return false;
  const [match] = lookup.searchTasks(a.name, 10, [b.docId]).filter((m) => m.task.id === b.id);
  return match !== undefined && matchConfidence(match) >= 0.6;
}

function recordsOf(ctx: TurnContext): RecordLookup | undefined {
  return ctx.services.records;
}

/** The question without the words that name a document, and the documents it names. */
function topicOf(ctx: TurnContext): { topic: string; docIds: string[] } {
  const named = ctx.services.kb.documentsNamedIn(ctx.text);
  return { topic: ctx.text, docIds: named.map((n) => n.docId) };
}

/**
 * "Ai chủ trì …?": the best-matching task's units, period, status, budget and basis; the same
 * task in another document too (the provincial plan names the department, the department's
 * own plan its unit); a short clarifying question when two different tasks match equally.
 */
export function leadAnswer(intent: string): Handler {
  const fallback = knowledgeAnswer(intent);
  return async (ctx): Promise<TurnReply> => {
    const lookup = recordsOf(ctx);
    if (!lookup) return fallback(ctx);
    const { topic, docIds } = topicOf(ctx);
    // A question that names an agency ("số hóa hồ sơ tại Sở TN&MT") is about that agency's task.
    const named = ctx.frame?.agencyIds ?? [];
    const found = lookup.searchTasks(topic, 6, docIds);
    const ofNamed = found.filter((m) => involves(lookup, m.task, named));
    const matches = named.length > 0 && ofNamed.length > 0 && matchConfidence(ofNamed[0]!) >= MIN_RECORD_CONFIDENCE ? ofNamed : found;
    const top = matches[0];
    if (!top || matchConfidence(top) < MIN_RECORD_CONFIDENCE) return fallback(ctx);
    const passage = await passageAnsweringWhole(ctx, lookup, matchConfidence(top));
    if (passage) return fallback({ ...ctx, hits: [passage, ...ctx.hits.filter((h) => h !== passage)] });

    const others = matches
      .slice(1)
      .filter((m) => named.length === 0 || involves(lookup, m.task, named))
      .map((m) => ({ m, same: sameTask(lookup, top.task, m.task) }));
    const rivals = others
      .filter(({ m, same }) => m.score >= top.score * 0.92 && matchConfidence(m) >= matchConfidence(top) * 0.95 && !same && m.task.leadText !== top.task.leadText)
      .map(({ m }) => m);
    if (rivals.length > 0) return clarify(ctx, intent, [top, ...rivals.slice(0, 2)]);

    const shown = [top, ...others.filter(({ same }) => same).map(({ m }) => m).slice(0, 1)];
    // The row lacks what was asked ("nhu cầu vốn"), but a passage of the text gives it: the passage answers.
    const lacking = (ctx.frame?.attributes ?? []).filter((a) => TASK_FIELD_GIVEN[a] && !TASK_FIELD_GIVEN[a]!(top.task, lookup.leadOf(top.task).text));
    if (lacking.length > 0) {
      const text = await fallback(ctx);
      if (text.sources.length > 0 && (text.missing ?? []).length === 0) return text;
    }
    return taskReply(ctx, intent, shown.map((m) => m.task), matchConfidence(top));
  };
}

/** A passage holding nearly every word of the question beats a row that holds fewer. */
const WHOLE_QUESTION_MATCH = 0.9;
/** How much better than the row's match the passage must be. */
const PASSAGE_LEAD_MARGIN = 0.2;

/**
 * "… theo khung chương trình do cơ quan nào hướng dẫn?": one paragraph of the text holds the
 * whole question and names the agency, while the nearest appendix row is only related. The
 * paragraph answers; the row would answer another question.
 */
async function passageAnsweringWhole(ctx: TurnContext, lookup: RecordLookup, rowMatch: number): Promise<SearchHit | undefined> {
  if (rowMatch + PASSAGE_LEAD_MARGIN > 1) return undefined;
  const answers = (hit: SearchHit | undefined): hit is SearchHit => {
    if (!hit || hit.chunk.kind === 'table_row' || hit.phraseCoverage === undefined) return false;
    const passageMatch = (hit.coverage + hit.phraseCoverage) / 2;
    return passageMatch >= WHOLE_QUESTION_MATCH && passageMatch >= rowMatch + PASSAGE_LEAD_MARGIN && lookup.agencies.resolve(hit.chunk.text).length > 0;
  };
  // The hits favour table rows for "who leads" questions: the best paragraph may be further down, or below the cut.
  const boosted = ctx.hits.find((h) => h.chunk.kind !== 'table_row');
  if (answers(boosted)) return boosted;
  const plain = (await ctx.services.kb.search(ctx.text, { limit: 3 })).find((h) => h.chunk.kind !== 'table_row');
  return answers(plain) ? plain : undefined;
}

/** Whether a task's lead or coordinating units include one of the agencies (or their units). */
function involves(lookup: RecordLookup, task: TaskRecord, agencyIds: readonly string[]): boolean {
  if (agencyIds.length === 0) return true;
  const units = new Set(lookup.agencies.resolve(`${lookup.leadOf(task).text}; ${task.coordinateText}`));
  return agencyIds.some((id) => units.has(id) || lookup.agencies.children(id).some((c) => units.has(c.id)) || units.has(lookup.agencies.get(id)?.parent ?? ''));
}

/** Attributes a short follow-up may ask of the last task ("thế còn phối hợp?", "hạn khi nào?"). */
const FOLLOW_UP_ATTRIBUTES: readonly Attribute[] = ['lead', 'coordinate', 'period', 'budget', 'unitPrice', 'status', 'legalBasis', 'product'];
/** A follow-up is short; a longer message is a new question. */
const FOLLOW_UP_MAX_WORDS = 10;

/**
 * "Thế còn đơn vị phối hợp?" after a task's answer: the same task again, shaped by what the
 * short message asks — unless the message names another task (then it is a new question).
 */
export function taskFollowUp(frames: FrameReader): (text: string, state: ConversationState) => string | undefined {
  return (text, state) => {
    if (!state.task || text.split(/\s+/).length > FOLLOW_UP_MAX_WORDS) return undefined;
    const frame = frames.read(text);
    if (!asks(frame, ...FOLLOW_UP_ATTRIBUTES) || frame.docIds.length > 0 || frame.agencyIds.length > 0) return undefined;
    // A message that names a topic of its own ("ai chủ trì CSDL chăn nuôi?") is a new question.
    if (frames.topicWords(text).length > 0) return undefined;
    return `#task:${state.task}`;
  };
}

/** One or more tasks as blocks, each under its document and date. */
/** A task answer leaves this much of a phone screen (1,200 characters) for the change notes. */
const TASK_REPLY_MAX_CHARS = 1000;

export function taskReply(ctx: TurnContext, intent: string, tasks: readonly TaskRecord[], confidence: number): TurnReply {
  const render = (shown: readonly TaskRecord[], pointers: readonly TaskRecord[]) => {
    const blocks = shown.map((t) => {
      const doc = docOf(ctx, t.docId);
      return `Theo ${doc.shortName} (${doc.date}), ${t.appendix}:\n${taskBlock(t, ctx.services.records?.leadOf(t), ctx.frame)}`;
    });
    // Another document's row of the same task that does not fit: named, so it can be asked for.
    const also = pointers.map((t) => `\n${docOf(ctx, t.docId).shortName} cũng có nhiệm vụ này (${t.appendix}, mục ${t.row}).`).join('');
    const sources = shown.map((t) => taskSource(ctx, t));
    const body = blocks.join('\n\n');
    const text = `Dạ, ${body.charAt(0).toLowerCase()}${body.slice(1)}${pastTaskLine(ctx, shown)}${also}\n\n${sources.map(citation).join('\n')}`;
    return { text, sources };
  };
  let { text, sources } = render(tasks, []);
  if (text.length > TASK_REPLY_MAX_CHARS && tasks.length > 1) ({ text, sources } = render(tasks.slice(0, 1), tasks.slice(1)));
  return { messages: [{ type: 'text', text }], intent, sources, confidence, remember: { task: tasks[0]?.id } };
}

function clarify(ctx: TurnContext, intent: string, options: readonly TaskMatch[]): Reply {
  const buttons: Button[] = options.map((m) => ({
    kind: 'postback',
    title: askButtonTitle(`${m.task.row} ${m.task.name}`),
    payload: `#task:${m.task.id}`,
  }));
  const lookup = recordsOf(ctx);
  const lines = options.map((m, i) => {
    const lead = lookup?.leadOf(m.task).text;
    return `${i + 1}. ${m.task.name} (${docOf(ctx, m.task.docId).shortName}, mục ${m.task.row}${lead ? `; chủ trì: ${lead}` : ''})`;
  });
  const text = `Dạ, có ${options.length} nhiệm vụ gần với câu hỏi của anh/chị:\n${lines.join('\n')}\nAnh/chị muốn hỏi nhiệm vụ nào ạ?`;
  return { messages: [buttonsMessage(text, buttons, false)], intent, sources: [], confidence: matchConfidence(options[0]!) };
}

/** Role asked about: "phối hợp" (the column name in the plans) means coordinating units. */
function roleAsked(ctx: TurnContext): AgencyRole {
  const tokens = analyze(ctx.text, ctx.services.thesaurus, 'query');
  const joined = ` ${tokens.join(' ')} `;
  return joined.includes(' phối hợp ') && !joined.includes(' chủ trì ') ? 'coordinate' : 'lead';
}

/**
 * "Sở Y tế được giao những việc gì?": the tasks the agency leads (or coordinates), grouped by
 * document with counts, PAGE_SIZE per page and a "Xem thêm" button.
 */
export function agencyTasksAnswer(intent: string): Handler {
  const fallback = knowledgeAnswer(intent);
  const lead = leadAnswer('lead_question');
  return (ctx): Reply | Promise<Reply> => {
    const lookup = recordsOf(ctx);
    if (!lookup) return fallback(ctx);
    // "Kế hoạch của Sở TT&TT" names a document, not the agency asked about.
    const asked = lookup.agencies.findInQuestion(ctx.services.kb.withoutDocumentNamesIn(ctx.text));
    const [agency] = asked.filter((a) => lookup.tasksOf(a.id, 'lead').length + lookup.tasksOf(a.id, 'coordinate').length > 0);
    const year = yearAsked(ctx.text);
    // A department named by today's name ("Sở Khoa học và Công nghệ") answers with the tasks of those merged into it.
    const merged = mergedAgencyAnswer(ctx, lookup, asked.map((a) => a.id), intent);
    if (merged) return merged;
    // "Ai chủ trì …?" with no agency named is about a task.
    if (!agency && asks(ctx.frame, 'lead', 'coordinate')) return lead(ctx);
    // "Những nhiệm vụ nào thực hiện năm 2024?" without an agency: every task of that year.
    if (!agency && !year) return fallback(ctx);
    const { docIds } = topicOf(ctx);
    return agencyPage(ctx, intent, agency?.id ?? ALL_AGENCIES, roleAsked(ctx), 1, docIds, year);
  };
}

/**
 * The plans predate the 2025 mergers: a question naming the merged department gets, per
 * former department, how many tasks the plans gave it and a button to list them.
 */
function mergedAgencyAnswer(ctx: TurnContext, lookup: RecordLookup, named: readonly string[], intent: string): Reply | undefined {
  const changes = ctx.services.changes;
  if (!changes) return undefined;
  for (const id of named) {
    const formers = changes.predecessorsOf(id).filter((l, i, all) => all.findIndex((x) => x.agencyId === l.agencyId) === i);
    // A name the plans themselves use for tasks (Sở Tài chính) is answered as the plans name it; the change note follows.
    if (!formers.some((l) => l.agencyId !== id) || lookup.tasksOf(id, 'lead').length > 0) continue;
    const docIds = ctx.frame?.docIds ?? [];
    const rows = formers.map((l) => ({ l, tasks: lookup.tasksOf(l.agencyId, 'lead').filter((t) => docIds.length === 0 || docIds.includes(t.docId)) }));
    if (rows.every((r) => r.tasks.length === 0)) continue;
    const lines = rows.filter((r) => r.tasks.length > 0 || r.l.agencyId !== id).map(
      ({ l, tasks }) =>
        `• ${lookup.agencies.display(l.agencyId)}${l.whole ? '' : ' (một phần chức năng)'}: chủ trì ${tasks.length} nhiệm vụ${tasks.length > 0 ? `, như: ${tasks.slice(0, 2).map((t) => truncate(t.name, 70)).join('; ')}` : ''}`,
    );
    const change = changes.changes.find((c) => c.id === formers[0]!.changeId);
    const text = `Dạ, các kế hoạch được ban hành trước khi sắp xếp lại bộ máy nên không ghi tên ${lookup.agencies.display(id)} hiện nay; ${change?.summary ?? ''}. Nhiệm vụ các kế hoạch giao cho các sở trước đây:\n${lines.join('\n')}\nAnh/chị chọn một sở để xem danh sách nhiệm vụ ạ.`;
    const buttons: Button[] = rows
      .filter((r) => r.tasks.length > 0)
      .map(({ l }) => ({ kind: 'postback', title: askButtonTitle(`Nhiệm vụ của ${lookup.agencies.display(l.agencyId)}`), payload: `#agency:${l.agencyId}:lead:1:${docIds.join(',')}:` }));
    const sources: SourceRef[] = [{ doc: 'changes', title: 'Dữ liệu thay đổi tổ chức (knowledge/changes.yaml)', section: change?.id ?? '', date: change?.checked ?? '' }];
    return { messages: [buttonsMessage(text, buttons, false)], intent, sources, confidence: 0.85 };
  }
  return undefined;
}

/** Stands for "any agency" in agencyPage and its "#agency:*:…" payloads. */
const ALL_AGENCIES = '*';

/** The years a question names ("năm 2024", "2021-2025"), each once. */
function yearsIn(text: string): string[] {
  return [...new Set(text.match(/\b(19|20)\d{2}\b/g) ?? [])];
}

/** The one year a question asks about ("năm 2024"), if exactly one is named. */
function yearAsked(text: string): string | undefined {
  const years = yearsIn(text);
  return years.length === 1 ? years[0] : undefined;
}

/** A task's period, or — when its row gives none — the period of the plan it belongs to. */
function periodOf(ctx: TurnContext, t: TaskRecord): string {
  return t.period || ctx.services.kb.documents.get(t.docId)?.period || '';
}

/** Which page of a list of `total` items to show (clamped), PAGE_SIZE per page. */
function pageWindow(total: number, page: number): { pages: number; current: number; from: number; to: number } {
  const pages = Math.ceil(total / PAGE_SIZE);
  const current = Math.min(Math.max(1, page), pages);
  return { pages, current, from: (current - 1) * PAGE_SIZE, to: current * PAGE_SIZE };
}

/** One citation per document on the page, spanning the rows shown from it. */
function pageSources(ctx: TurnContext, slice: readonly TaskRecord[]): SourceRef[] {
  return [...new Set(slice.map((t) => t.docId))].map((docId) => {
    const rows = slice.filter((t) => t.docId === docId);
    const first = rows[0]!;
    return { ...taskSource(ctx, first), section: first.appendix, lines: `${Math.min(...rows.map((r) => r.lines[0]))}-${Math.max(...rows.map((r) => r.lines[1]))}` };
  });
}

/** A page of a list, with the "Xem thêm" button when more pages follow. */
function pageMessage(body: string, current: number, pages: number, nextPayload: string): OutgoingMessage {
  return current < pages ? buttonsMessage(body, [{ kind: 'postback', title: 'Xem thêm', payload: nextPayload }], false) : { type: 'text', text: body };
}

/** "(Trang 1/4 — …)" under a list; nothing for a single page. */
function pageLine(current: number, pages: number, hint: string): string {
  return current < pages ? `\n(Trang ${current}/${pages} — ${hint})` : pages > 1 ? `\n(Trang ${current}/${pages})` : '';
}

/**
 * One page of an agency's task list (also reached by the "#agency:…" button payloads),
 * optionally only the tasks whose period covers a year (a row without a period takes its
 * plan's: the 2024 plan's rows are for 2024).
 */
export function agencyPage(
  ctx: TurnContext,
  intent: string,
  agencyId: string,
  role: AgencyRole,
  page: number,
  docIds: readonly string[] = [],
  year?: string,
): Reply {
  const lookup = recordsOf(ctx)!;
  if (agencyId === ALL_AGENCIES) return yearPage(ctx, intent, page, docIds, year);
  // A department's own units (Phòng CNTT, Trung tâm CNTT&TT of Sở TT&TT) carry its tasks in
  // its own plan: list those too, naming the unit.
  const unitOf = new Map<TaskRecord, string>();
  for (const child of lookup.agencies.children(agencyId)) {
    for (const t of lookup.tasksOf(child.id, role)) if (!unitOf.has(t)) unitOf.set(t, child.short);
  }
  const direct = new Set(lookup.tasksOf(agencyId, role));
  const all = [...direct, ...[...unitOf.keys()].filter((t) => !direct.has(t))]
    .filter((t) => docIds.length === 0 || docIds.includes(t.docId))
    .filter((t) => !year || coversYear(periodOf(ctx, t), year));
  const name = lookup.agencies.display(agencyId);
  const verb = role === 'lead' ? 'chủ trì' : 'phối hợp thực hiện';
  if (all.length === 0) {
    const when = year ? ` có thời gian thực hiện trong năm ${year}` : '';
    return { messages: [{ type: 'text', text: `Dạ, trong các văn bản em có, ${name} không được ghi là đơn vị ${verb} nhiệm vụ nào${when}.` }], intent, sources: [], confidence: 0.6 };
  }
  const byDoc = new Map<string, TaskRecord[]>();
  for (const t of [...all].sort(byDocumentOrder)) byDoc.set(t.docId, [...(byDoc.get(t.docId) ?? []), t]);
  const summary =
    byDoc.size > 1 ? ' — ' + [...byDoc.entries()].map(([docId, tasks]) => `${docOf(ctx, docId).shortName} (${docOf(ctx, docId).date}): ${tasks.length}`).join('; ') : '';
  const { pages, current, from, to } = pageWindow(all.length, page);
  const ordered = [...byDoc.values()].flat();
  const slice = ordered.slice(from, to);

  const lines: string[] = [];
  let lastDoc = '';
  slice.forEach((t, i) => {
    if (t.docId !== lastDoc) {
      const doc = docOf(ctx, t.docId);
      lines.push(`${doc.shortName} (${doc.date}):`);
      lastDoc = t.docId;
    }
    const n = from + i + 1;
    const extra = [t.period && `thời gian ${t.period}`, t.budget?.total !== undefined && `${formatMillions(t.budget.total)} triệu đồng`].filter(Boolean).join(', ');
    const unit = direct.has(t) ? '' : `; đơn vị: ${unitOf.get(t)}`;
    lines.push(`${n}. ${t.name} (mục ${t.row}${unit}${extra ? `; ${extra}` : ''})`);
  });
  // With a year asked, the budget is that year's column, not the whole multi-year totals.
  const budget = year ? all.reduce((sum, t) => sum + (t.budget?.byYear[year] ?? 0), 0) : RecordLookup.totalBudget(all);
  const budgetLabel = year ? `Kinh phí dự kiến năm ${year} của các nhiệm vụ có ghi kinh phí` : 'Tổng kinh phí dự kiến các nhiệm vụ có ghi kinh phí';
  const viaUnits = all.filter((t) => !direct.has(t)).length;
  const agency = lookup.agencies.get(agencyId);
  const fullName = agency && agency.name !== name ? `${agency.name} (${name})` : name;
  const head = `Dạ, ${fullName} được ghi là đơn vị ${verb} ${all.length} nhiệm vụ${year ? ` có thời gian thực hiện trong năm ${year}` : ''}${viaUnits > 0 ? ` (trong đó ${viaUnits} nhiệm vụ do đơn vị trực thuộc ${verb})` : ''}${summary}.${budget > 0 && role === 'lead' ? ` ${budgetLabel}: ${formatMillions(Math.round(budget * 10) / 10)} triệu đồng.` : ''}`;
  const sources = pageSources(ctx, slice);
  // The rest of the list by name only, so the first screen answers "which ones?" in full;
  // "Xem thêm" gives the details five at a time.
  const rest = ordered.slice(to);
  const restLine = rest.length > 0 ? `\nCác nhiệm vụ tiếp theo: ${rest.map((t, i) => `${to + i + 1}. ${truncate(t.name, 70)}`).join('; ')}.` : '';
  const more = pageLine(current, pages, 'chọn “Xem thêm” hoặc nhắn 1 để xem chi tiết tiếp');
  let body = `${head}\n${lines.join('\n')}${restLine}${more}\n\n${sources.map(citation).join('\n')}`;
  if (body.length > MAX_LIST_CHARS) body = `${head}\n${lines.join('\n')}${more}\n\n${sources.map(citation).join('\n')}`;
  const message = pageMessage(body, current, pages, `#agency:${agencyId}:${role}:${current + 1}:${docIds.join(',')}:${year ?? ''}`);
  return { messages: [message], intent, sources, confidence: 0.9 };
}

/** Every task whose period covers a year, grouped by document, PAGE_SIZE per page. */
function yearPage(ctx: TurnContext, intent: string, page: number, docIds: readonly string[], year: string | undefined): Reply {
  const lookup = recordsOf(ctx)!;
  if (!year) return { messages: [{ type: 'text', text: 'Dạ, anh/chị cho em biết năm cần tra cứu ạ.' }], intent, sources: [], confidence: 0.3 };
  const tasks = lookup.tasks
    .filter((t) => (docIds.length === 0 || docIds.includes(t.docId)) && coversYear(periodOf(ctx, t), year))
    .sort(byDocumentOrder);
  if (tasks.length === 0) {
    return { messages: [{ type: 'text', text: `Dạ, trong các văn bản em có, không có nhiệm vụ nào ghi thời gian thực hiện trong năm ${year}.` }], intent, sources: [], confidence: 0.6 };
  }
  const { pages, current, from, to } = pageWindow(tasks.length, page);
  const slice = tasks.slice(from, to);
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.docId, (counts.get(t.docId) ?? 0) + 1);
  const summary = [...counts.entries()].map(([d, n]) => `${docOf(ctx, d).shortName} (${docOf(ctx, d).date}): ${n}`).join('; ');
  const lines = slice.map((t, i) => {
    const lead = lookup.leadOf(t).text;
    return `${from + i + 1}. ${t.name} (mục ${t.row}; ${periodOf(ctx, t)}${lead ? `; chủ trì: ${lead}` : ''})`;
  });
  const sources = pageSources(ctx, slice);
  const more = pageLine(current, pages, 'chọn “Xem thêm” hoặc nhắn 1 để xem tiếp');
  const body = `Dạ, có ${tasks.length} nhiệm vụ có thời gian thực hiện trong năm ${year} — ${summary}.\n${lines.join('\n')}${more}\n\n${sources.map(citation).join('\n')}`;
  const message = pageMessage(body, current, pages, `#agency:${ALL_AGENCIES}:lead:${current + 1}:${docIds.join(',')}:${year}`);
  return { messages: [message], intent, sources, confidence: 0.85 };
}

/**
 * Targets: the best-matching target with its value, year and agencies; or, when the
 * question names a whole group ("các chỉ tiêu kinh tế số"), that group's targets.
 */
export function targetAnswer(intent: string): Handler {
  const fallback = knowledgeAnswer(intent);
  return (ctx): Reply | Promise<Reply> => {
    const lookup = recordsOf(ctx);
    if (!lookup) return fallback(ctx);
    const { topic, docIds } = topicOf(ctx);
    const listed = namedGroup(ctx, lookup, docIds);
    if (listed) return targetReply(ctx, intent, listed, 0.9);
    // A year in the question ("năm 2024") picks the targets set for that year when any match.
    const years = yearsIn(ctx.text);
    const found = lookup.searchTargets(topic, 8, docIds);
    const forYear = found.filter((m) => years.some((y) => coversYear(m.target.year, y)));
    const matches = forYear.length > 0 && matchConfidence(forYear[0]!) >= MIN_RECORD_CONFIDENCE ? forYear : found;
    const top = matches[0];
    if (!top || matchConfidence(top) < MIN_RECORD_CONFIDENCE) return fallback(ctx);
    const group = matches.filter((m) => m.target.group === top.target.group && m.target.docId === top.target.docId && m.score >= top.score * 0.85);
    const groupNamed = ctx.services.kb.termsOf(top.target.group);
    const keywords = ctx.services.kb.keywords(ctx.text);
    const groupCoverage = keywords.length ? keywords.filter((k) => groupNamed.has(k)).length / keywords.length : 0;
    const targets = group.length >= 2 && groupCoverage >= 0.5 ? lookup.targetsInGroup(top.target.group, [top.target.docId]) : [top.target];
    // A target that gives none of what was asked ("bao nhiêu cán bộ" against "100% cán bộ") is not the answer: the text search says what is missing.
    const missing = missingIn(targets.map((t) => t.text).join(' '), ctx.frame);
    if (ctx.frame && missing.length > 0 && ctx.frame.attributes.every((a) => missing.includes(a))) return fallback(ctx);
    return targetReply(ctx, intent, targets, matchConfidence(top));
  };
}

/**
 * "Các chỉ tiêu kinh tế số": when the question is mostly the name of a target group, that
 * group's targets (once each: the 2024 plan states each target in its text and again in
 * Phụ lục I, where the monitoring agency is named — that copy is kept).
 */
function namedGroup(ctx: TurnContext, lookup: RecordLookup, docIds: readonly string[]): TargetRecord[] | undefined {
  // Years are matched separately ("năm 2024"), so they do not count as topic words here.
  const question = new Set(ctx.services.kb.keywords(ctx.text).filter((w) => !/^\d+$/.test(w) && w !== 'nam'));
  if (question.size === 0) return undefined;
  const years = yearsIn(ctx.text);
  let best: { docId: string; group: string; groupSide: number; questionSide: number } | undefined;
  const seen = new Set<string>();
  for (const t of lookup.targets) {
    const key = t.docId + '\0' + t.group;
    if (seen.has(key) || (docIds.length > 0 && !docIds.includes(t.docId))) continue;
    seen.add(key);
    const words = ctx.services.kb.keywords(t.group);
    if (words.length === 0) continue;
    const shared = words.filter((w) => question.has(w)).length;
    const groupSide = shared / words.length;
    const questionSide = shared / question.size;
    if (groupSide < 0.6 || questionSide < 0.5) continue;
    const yearFits = years.length === 0 || lookup.targets.some((x) => x.docId === t.docId && x.group === t.group && years.some((y) => coversYear(x.year, y)));
    if (!yearFits) continue;
    if (!best || groupSide > best.groupSide || (groupSide === best.groupSide && questionSide > best.questionSide)) {
      best = { docId: t.docId, group: t.group, groupSide, questionSide };
    }
  }
  if (!best) return undefined;
  const members = lookup.targets.filter((t) => t.docId === best!.docId && t.group === best!.group);
  const byText = new Map<string, TargetRecord>();
  for (const t of members) {
    const key = foldDiacritics(t.text).replace(/[^\p{L}\p{N}%]+/gu, ' ').trim();
    const kept = byText.get(key);
    if (!kept || (!kept.monitorText && t.monitorText)) byText.set(key, t);
  }
  return [...byText.values()];
}

/** "2024" is covered by "2024", "2021-2025", "2019 - 2025"; not by "2030". */
export function coversYear(period: string, year: string): boolean {
  const y = Number(year);
  const nums = (period.match(/\d{4}/g) ?? []).map(Number);
  if (nums.length === 0) return false;
  if (nums.length === 1) return nums[0] === y;
  return y >= Math.min(...nums) && y <= Math.max(...nums);
}

/**
 * A target for a year already over is what the plan set then, not a current figure: say so,
 * and never claim whether it was met (the documents do not say).
 */
/** The last year a set of periods ("2023-2025", "Năm 2024", else the document's own period) reaches, if any. */
function lastYearOf(periods: readonly string[]): number | undefined {
  const years = periods.flatMap((p) => p.match(/\b(19|20)\d{2}\b/g) ?? []).map(Number);
  return years.length > 0 ? Math.max(...years) : undefined;
}

/** A year already over is what the plan set, never today's figure; the documents say nothing of results. */
function isPast(year: number | undefined): year is number {
  return year !== undefined && year < new Date().getFullYear();
}

function pastPeriodLine(targets: readonly TargetRecord[], doc: DocumentMeta): string {
  const year = lastYearOf(targets.map((t) => t.year || doc.period));
  if (!isPast(year)) return '';
  return `\n(Đây là chỉ tiêu văn bản đặt cho ${year}, ban hành ${doc.date}; các văn bản em có không cho biết chỉ tiêu đã đạt hay chưa.)`;
}

function pastTaskLine(ctx: TurnContext, tasks: readonly TaskRecord[]): string {
  const year = lastYearOf(tasks.map((t) => (/\d{4}/.test(t.period) ? t.period : docOf(ctx, t.docId).period)));
  if (!isPast(year)) return '';
  return `\n(Thời gian văn bản đặt ra, đến ${year}, nay đã qua; văn bản không cho biết đã hoàn thành hay chưa.)`;
}

function targetReply(ctx: TurnContext, intent: string, targets: readonly TargetRecord[], confidence: number): Reply {
  const first = targets[0]!;
  const doc = docOf(ctx, first.docId);
  const ref = targetSource(ctx, first);
  if (targets.length > 1) ref.lines = `${Math.min(...targets.map((t) => t.lines[0]))}-${Math.max(...targets.map((t) => t.lines[1]))}`;
  const frame = (body: string) => `Dạ, theo ${doc.shortName} (${doc.date}):\n${body}${pastPeriodLine(targets, doc)}\n\n${citation(ref)}`;
  if (targets.length === 1) return { messages: [{ type: 'text', text: frame(targetBlock(first)) }], intent, sources: [ref], confidence };
  // A long group still fits one screen: first without the monitoring agency, then shortened.
  const renderings = [
    (t: TargetRecord) => `${t.text}${t.monitorText ? ` — theo dõi: ${t.monitorText}` : ''}`,
    (t: TargetRecord) => t.text,
    (t: TargetRecord) => truncate(t.text, 90),
  ];
  let text = '';
  for (const render of renderings) {
    text = frame(`${first.group} (${targets.length} chỉ tiêu):\n${targets.map((t, i) => `${i + 1}. ${render(t)}`).join('\n')}`);
    if (text.length <= MAX_TARGET_LIST_CHARS) break;
  }
  return { messages: [{ type: 'text', text }], intent, sources: [ref], confidence };
}

/** Payload prefixes this feature owns; an unknown id falls back to the menu. */
export const RECORD_PAYLOADS: Readonly<Record<string, Handler>> = Object.fromEntries(
  (['task', 'agency'] as const).map((kind) => [
    kind,
    (ctx: TurnContext) => recordsPayload(ctx, kind, ctx.text.slice(kind.length + 2).trim()) ?? payloadHandler(ctx),
  ]),
);

/** "#task:<id>" (a clarification button) and "#agency:<id>:<role>:<page>:<docs>" (Xem thêm). */
export function recordsPayload(ctx: TurnContext, kind: string, value: string): Reply | undefined {
  const lookup = recordsOf(ctx);
  if (!lookup) return undefined;
  if (kind === 'task') {
    const task = lookup.tasks.find((t) => t.id === value);
    return task ? taskReply(ctx, 'lead_question', [task], 1) : undefined;
  }
  if (kind === 'agency') {
    const [agencyId, role, page, docs, year] = value.split(':');
    if (!agencyId || (role !== 'lead' && role !== 'coordinate')) return undefined;
    return agencyPage(ctx, 'agency_tasks_question', agencyId, role, Number(page) || 1, docs ? docs.split(',').filter(Boolean) : [], year || undefined);
  }
  return undefined;
}
