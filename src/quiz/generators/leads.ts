/**
 * "Which unit leads this task?" from every appendix row whose lead resolves to named units
 * (not a group phrase such as "Các sở, ngành"). The stem names the document, because the
 * same task can be led by different units in different plans (the 2024 plan gives the
 * data-centre to Sở TT&TT, the department's own plan to its Trung tâm CNTT&TT).
 */
import type { DocumentMeta } from '../../kb/types.ts';
import type { Agency, AgencyDirectory } from '../../records/agencies.ts';
import type { RecordSet, TaskRecord } from '../../records/schema.ts';
import { foldTokens, textKey } from '../bank-text.ts';
import { agenciesOption, agencyDistractors } from './agency-options.ts';
import { clip, documentLabel, idPart, type GeneratorOutput } from './common.ts';
import { topicOf } from './topics.ts';

/** How a row is named in a stem: its name, with its content when the name alone says little ("Đề án, dự án"). */
export function taskTitle(task: Pick<TaskRecord, 'name' | 'content'>): string {
  const name = task.name.replace(/\s+/g, ' ').replace(/[.:;,\s]+$/, '').trim();
  if (foldTokens(name).length >= 5 || task.content.trim() === '') return clip(name, 200);
  return clip(`${name}: ${task.content}`, 200);
}

/** "Phụ lục III, mục 4.1.1". */
export function taskSection(task: Pick<TaskRecord, 'appendix' | 'row'>): string {
  const unnumbered = /^(.*?)\s*\(không số\)$/.exec(task.row);
  return unnumbered ? `${task.appendix}, dòng không đánh số thuộc nhóm ${unnumbered[1]}` : `${task.appendix}, mục ${task.row}`;
}

/**
 * Lead-unit questions, one per row (rows of one document with the same name once).
 *
 * @example generateLeadQuestions({ records, documents, agencies }).drafts.find(d => d.source.recordId === '002:PL:1.12')?.answer
 *   // "Trung tâm Công nghệ thông tin và Truyền thông"
 */
export function generateLeadQuestions(opts: { records: RecordSet; documents: readonly DocumentMeta[]; agencies: AgencyDirectory }): GeneratorOutput {
  const { agencies } = opts;
  const out: GeneratorOutput = { drafts: [], skipped: [] };
  const docs = new Map(opts.documents.map((d) => [d.id, d]));
  const byId = new Map(opts.records.tasks.map((t) => [t.id, t]));
  const leadsOf = (t: TaskRecord): string[] => agencies.resolve(t.leadText);
  const preferredByDoc = new Map<string, Set<string>>();
  const known = new Set<string>();
  for (const t of opts.records.tasks) {
    const set = preferredByDoc.get(t.docId) ?? new Set<string>();
    for (const id of [...leadsOf(t), ...agencies.resolve(t.coordinateText)]) {
      set.add(id);
      known.add(id);
    }
    preferredByDoc.set(t.docId, set);
  }
  const seenNames = new Set<string>();
  for (const task of opts.records.tasks) {
    const id = `gen-lead-${idPart(task.id)}`;
    const doc = docs.get(task.docId);
    if (task.leadText.trim() === '') continue; // a sub-row shares its parent's lead
    const leadIds = leadsOf(task);
    const leads = leadIds.map((a) => agencies.get(a)).filter((a): a is Agency => a !== undefined);
    if (doc === undefined || leads.length === 0) {
      out.skipped.push({ id, reason: `đơn vị chủ trì "${task.leadText}" không nhận ra / lead unit not resolved` });
      continue;
    }
    if (leads.some((a) => a.kind === 'nhom')) {
      out.skipped.push({ id, reason: `đơn vị chủ trì là một nhóm ("${task.leadText}") / lead is a group phrase, not a unit` });
      continue;
    }
    const nameKey = `${task.docId}|${textKey(task.name)}`;
    if (seenNames.has(nameKey)) {
      out.skipped.push({ id, reason: 'nhiệm vụ trùng tên với một dòng khác cùng văn bản / same task name as another row of the document' });
      continue;
    }
    seenNames.add(nameKey);
    const title = taskTitle(task);
    const parent = task.parentId !== undefined ? byId.get(task.parentId) : undefined;
    const exclude = new Set([
      ...leadIds,
      ...agencies.resolve(task.coordinateText),
      ...agencies.resolve(title),
      ...(parent ? leadsOf(parent) : []),
    ]);
    const distractors = agencyDistractors({
      directory: agencies,
      correct: leads,
      exclude,
      preferred: preferredByDoc.get(task.docId) ?? new Set(),
      known,
      seed: id,
    });
    if (distractors.length < 2) {
      out.skipped.push({ id, reason: 'không đủ đơn vị cùng loại làm phương án sai / not enough units of the same kind' });
      continue;
    }
    const several = leads.length > 1;
    const section = taskSection(task);
    out.drafts.push({
      id,
      stem: `Theo ${documentLabel(doc)}, ${section}, nhiệm vụ “${title}” do ${several ? 'những đơn vị nào' : 'đơn vị nào'} chủ trì?`,
      answer: agenciesOption(leads),
      distractors,
      evidence: task.leadText,
      explanation:
        `Theo ${documentLabel(doc)}, ${section} “${clip(task.name, 200)}”: đơn vị chủ trì “${task.leadText}”` +
        (task.coordinateText.trim() !== '' ? `; đơn vị phối hợp “${task.coordinateText}”.` : '.'),
      source: { doc: task.docId, section, lines: task.lines, recordId: task.id },
      topic: topicOf({ docId: task.docId, headings: task.group, text: `${task.name} ${task.content}` }),
      difficulty: several || leads.some((a) => a.kind === 'don-vi-thuoc-so' || a.kind === 'to-cong-tac') ? 'hard' : 'medium',
      origin: 'generated',
      kind: 'lead-unit',
    });
  }
  return out;
}
