/**
 * "Sở X có trách nhiệm gì?": the duties the "Tổ chức thực hiện" sections assign an agency
 * (as its own heading, through a group phrase that covers it, or named in another's duty),
 * grouped by document, with the count of appendix tasks it leads and a button to list them.
 * A question naming no agency ("gặp vướng mắc thì phản ánh về đâu?") gets the duty that
 * matches it best.
 */
import { buttonsMessage, type TurnContext, type TurnReply } from '../core/dialogue.ts';
import type { Button, SourceRef } from '../core/messages.ts';
import { truncateAtWord } from '../answer/compose-answer.ts';
import type { AgencyDuty } from '../records/record-lookup.ts';
import type { ResponsibilityRecord } from '../records/schema.ts';

const INTENT = 'agency_tasks_question';
/** Within one phone screen, citations included. */
const MAX_CHARS = 1060;
/** Which duties stay when they do not all fit: the agency's own first, then a group's, then those naming it. */
const VIA_ORDER = { subject: 0, group: 1, named: 2 } as const;
/** A duty search match below this does not answer. */
const MIN_MATCH = 0.5;

function sourceOf(ctx: TurnContext, record: ResponsibilityRecord, lines: [number, number]): SourceRef {
  const doc = ctx.services.kb.documents.get(record.docId);
  return { doc: record.docId, title: doc?.shortName ?? record.docId, section: record.section, date: doc?.date ?? '', lines: `${lines[0]}-${lines[1]}` };
}

const citation = (ref: SourceRef) => `Nguồn: ${ref.title} (${ref.date}), ${ref.section}, dòng ${ref.lines}.`;

/**
 * Characters for each duty out of `total`: short duties whole, the room left shared evenly
 * among the long ones (so one long duty does not cut every other short).
 */
function shareOut(lengths: readonly number[], total: number): number[] {
  const caps = lengths.map(() => 0);
  let left = Math.max(0, total);
  const order = lengths.map((len, i) => ({ len, i })).sort((a, b) => a.len - b.len);
  order.forEach(({ len, i }, k) => {
    const fair = Math.floor(left / (order.length - k));
    caps[i] = Math.max(110, Math.min(len, fair));
    left -= Math.min(len, fair);
  });
  return caps;
}

/** The reply, or undefined when the records hold no duty for the question (the caller answers otherwise). */
export function responsibilityAnswer(ctx: TurnContext): TurnReply | undefined {
  const lookup = ctx.services.records;
  if (!lookup || lookup.responsibilities.length === 0) return undefined;
  const docIds = ctx.frame?.docIds ?? [];
  // A unit formed after the plans (Sở Nông nghiệp và Môi trường) is answered through the units merged into it, not through group phrases.
  const formedSince = (id: string) =>
    (ctx.services.changes?.predecessorsOf(id) ?? []).some((l) => l.agencyId !== id) && lookup.tasksOf(id, 'lead').length === 0;
  const named = (ctx.frame?.agencyIds ?? []).filter((id) => !formedSince(id));
  if (named.length === 0 && (ctx.frame?.agencyIds ?? []).length > 0) return undefined;
  const agencyId = named.find((id) => lookup.dutiesOf(id, docIds).length > 0);
  // An agency named with no duty in the documents asked: its appendix tasks answer instead.
  if (named.length > 0 && !agencyId) return undefined;

  let duties: AgencyDuty[];
  let head: string;
  if (agencyId) {
    duties = lookup.dutiesOf(agencyId, docIds);
    head = `Dạ, trong phần Tổ chức thực hiện, ${lookup.agencies.display(agencyId)} được giao:`;
  } else {
    const [best] = lookup.searchResponsibilities(ctx.text, 3, docIds);
    if (!best || (best.coverage + best.phraseCoverage) / 2 < MIN_MATCH) return undefined;
    duties = [{ record: best.record, duty: best.duty, dutyIndex: best.dutyIndex, via: 'subject' }];
    head = `Dạ, theo phần Tổ chức thực hiện (${best.record.agencyText}):`;
  }
  if (duties.length === 0) return undefined;

  const tasks = agencyId ? lookup.tasksOf(agencyId, 'lead').filter((t) => docIds.length === 0 || docIds.includes(t.docId)) : [];
  const examples = tasks.slice(0, 3).map((t) => truncateAtWord(t.name, 60)).join('; ');
  // With few duties the screen has room to name some of the appendix tasks too.
  const tasksLineFor = (dutyCount: number) =>
    tasks.length > 0
      ? `\nNgoài ra, trong phụ lục ${lookup.agencies.display(agencyId!)} chủ trì ${tasks.length} nhiệm vụ${examples && dutyCount <= 3 ? `, như: ${examples}` : ''} (chọn “Nhiệm vụ được giao” để xem).`
      : '';
  const render = (shown: readonly AgencyDuty[]) => {
    const tasksLine = tasksLineFor(shown.length);
    const byDoc = new Map<string, AgencyDuty[]>();
    for (const d of shown) byDoc.set(d.record.docId, [...(byDoc.get(d.record.docId) ?? []), d]);
    const sources = [...byDoc.values()].map((list) =>
      sourceOf(ctx, list[0]!.record, [Math.min(...list.map((d) => d.duty.lines[0])), Math.max(...list.map((d) => d.duty.lines[1]))]),
    );
    const fixed = head.length + tasksLine.length + sources.map(citation).join('\n').length + byDoc.size * 60 + 10;
    const caps = shareOut(shown.map((d) => d.duty.text.length), MAX_CHARS - fixed);
    const room = new Map(shown.map((d, i) => [d, caps[i]!]));
    const blocks = [...byDoc.entries()].map(([docId, list]) => {
      const doc = ctx.services.kb.documents.get(docId);
      // Duties reaching the agency through a group or another's heading are listed under that heading, once.
      const lines: string[] = [];
      let lastRecord = '';
      for (const d of list) {
        if (d.via !== 'subject' && d.record.id !== lastRecord) lines.push(d.via === 'group' ? `(giao chung cho ${d.record.agencyText})` : `(trong phần giao cho ${d.record.agencyText})`);
        lastRecord = d.record.id;
        // A duty says what it is in its opening words: keep them, cut the rest.
        lines.push(`• ${truncateAtWord(d.duty.text, room.get(d) ?? 110)}`);
      }
      return `${doc?.shortName ?? docId} (${doc?.date ?? ''}):\n${lines.join('\n')}`;
    });
    return { text: `${head}\n${blocks.join('\n')}${tasksLine}\n\n${sources.map(citation).join('\n')}`, sources };
  };
  // The agency's own duties first; the least direct ones are left out when they do not fit one screen.
  const byPriority = [...duties].sort((a, b) => VIA_ORDER[a.via] - VIA_ORDER[b.via]);
  const inDocumentOrder = (list: readonly AgencyDuty[]) =>
    [...list].sort((a, b) => a.record.docId.localeCompare(b.record.docId) || a.duty.lines[0] - b.duty.lines[0]);
  let kept = byPriority.length;
  let { text, sources } = render(inDocumentOrder(byPriority));
  while (text.length > MAX_CHARS && kept > 1) {
    kept -= 1;
    ({ text, sources } = render(inDocumentOrder(byPriority.slice(0, kept))));
  }
  const buttons: Button[] = tasks.length > 0 ? [{ kind: 'postback', title: 'Nhiệm vụ được giao', payload: `#agency:${agencyId}:lead:1:${docIds.join(',')}:` }] : [];
  return { messages: [buttonsMessage(text, buttons, false)], intent: INTENT, sources, confidence: 0.85 };
}
