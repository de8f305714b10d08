/**
 * Lookups officials need over the plans' records: who leads a task, what an agency leads or
 * coordinates, targets by group, budgets and deadlines, and what the "Tổ chức thực hiện"
 * sections assign each agency. Matching a question to a task, target or duty reuses the
 * Vietnamese BM25 index (names, contents and group headings; agency and duty text).
 */
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { LexicalIndex, type Analyzer } from '../retrieval/lexical-index.ts';
import type { AgencyDirectory } from './agencies.ts';
import type { GroupRecord, ResponsibilityDuty, ResponsibilityRecord, TargetRecord, TaskRecord } from './schema.ts';

export type AgencyRole = 'lead' | 'coordinate';

export interface TaskMatch {
  task: TaskRecord;
  score: number;
  /** Share of the question's topic words in the task's name, content and group (rarity-weighted). */
  coverage: number;
  /** Share of the question's two-syllable words found there. */
  phraseCoverage: number;
  /** Share of the question's two-syllable words found in the task's name alone. */
  nameCoverage: number;
}

export interface TargetMatch {
  target: TargetRecord;
  score: number;
  coverage: number;
  phraseCoverage: number;
}

export interface ResponsibilityMatch {
  record: ResponsibilityRecord;
  /** The duty that matched best (index into `record.duties`). */
  duty: ResponsibilityDuty;
  dutyIndex: number;
  score: number;
  /** Share of the question's topic words in the agency and duty text (rarity-weighted). */
  coverage: number;
  /** Share of the question's two-syllable words found there. */
  phraseCoverage: number;
}

/**
 * How a duty reaches an agency: it is the record's subject; a group phrase that covers it is
 * ("Các sở, cơ quan thuộc UBND tỉnh…" for Thanh tra tỉnh); or the duty names it as a partner,
 * a recipient or a unit directed ("phối hợp với Công an tỉnh", "chỉ đạo … Sở Tài chính").
 */
export type ResponsibilityVia = 'subject' | 'group' | 'named';

export interface AgencyDuty {
  record: ResponsibilityRecord;
  duty: ResponsibilityDuty;
  dutyIndex: number;
  via: ResponsibilityVia;
}

/** The words of a record that a question about it would use. */
export function taskSearchText(t: TaskRecord): string {
  return [t.group.at(-1) ?? '', t.name, t.content].filter(Boolean).join('. ');
}

export function targetSearchText(t: TargetRecord): string {
  return `${t.group}. ${t.text}`;
}

/** A duty is found by its own words and by the agency it is assigned to. */
export function dutySearchText(r: ResponsibilityRecord, d: ResponsibilityDuty): string {
  return `${r.agencyText}. ${d.text}`;
}

export class RecordLookup {
  private readonly taskIndex: LexicalIndex;
  private readonly targetIndex: LexicalIndex;
  /** agency id → role → tasks, computed once from the printed unit cells. */
  private readonly byAgency = new Map<string, Record<AgencyRole, TaskRecord[]>>();
  private readonly targetsByAgency = new Map<string, TargetRecord[]>();
  private readonly byId: Map<string, TaskRecord>;
  /** Folded two-syllable words of each task name: a question names a task by its title. */
  private readonly nameWords: Array<Set<string>>;
  /** One entry per duty of every responsibility record, in record order. */
  private readonly dutyEntries: Array<{ record: ResponsibilityRecord; dutyIndex: number }>;
  private readonly dutyIndex: LexicalIndex;

  /**
   * `responsibilities` is optional so callers built before the responsibility records keep
   * working (with no duties to look up).
   */
  constructor(
    readonly tasks: readonly TaskRecord[],
    readonly targets: readonly TargetRecord[],
    readonly agencies: AgencyDirectory,
    analyzer: Analyzer,
    readonly responsibilities: readonly ResponsibilityRecord[] = [],
    /** Appendix group rows ("1 Hệ thống phòng họp trực tuyến") with the subtotals the document prints. */
    readonly groups: readonly GroupRecord[] = [],
  ) {
    this.dutyEntries = responsibilities.flatMap((record) => record.duties.map((_, dutyIndex) => ({ record, dutyIndex })));
    this.dutyIndex = LexicalIndex.build(
      this.dutyEntries.map(({ record, dutyIndex }) => dutySearchText(record, record.duties[dutyIndex]!)),
      analyzer,
    );
    this.taskIndex = LexicalIndex.build(tasks.map(taskSearchText), analyzer);
    this.targetIndex = LexicalIndex.build(targets.map(targetSearchText), analyzer);
    this.byId = new Map(tasks.map((t) => [t.id, t]));
    this.nameWords = tasks.map((t) => {
      const folded = analyzer(t.name, 'document').map((w) => foldDiacritics(w));
      return new Set(folded.slice(1).map((w, i) => folded[i] + ' ' + w));
    });
    for (const task of tasks) {
      for (const role of ['lead', 'coordinate'] as const) {
        const ids = agencies.resolve(role === 'lead' ? this.leadOf(task).text : task.coordinateText);
        for (const id of ids) {
          const entry = this.byAgency.get(id) ?? { lead: [], coordinate: [] };
          if (!entry[role].includes(task)) entry[role].push(task);
          this.byAgency.set(id, entry);
        }
      }
    }
    for (const target of targets) {
      for (const id of new Set([...agencies.resolve(target.leadText), ...agencies.resolve(target.monitorText)])) {
        this.targetsByAgency.set(id, [...(this.targetsByAgency.get(id) ?? []), target]);
      }
    }
  }

  /**
   * The lead of a task: its own cell, or — for a lettered sub-row that prints none — its
   * parent row's, with the parent named so the answer can say where it is written.
   */
  leadOf(task: TaskRecord): { text: string; from?: TaskRecord } {
    if (task.leadText || !task.parentId) return { text: task.leadText };
    const parent = this.byId.get(task.parentId);
    return parent?.leadText ? { text: parent.leadText, from: parent } : { text: '' };
  }

  /** Tasks whose name, content or group best match the question. */
  searchTasks(question: string, limit = 5, docIds?: readonly string[]): TaskMatch[] {
    const allowed = docIds && docIds.length > 0 ? new Set(docIds) : undefined;
    const keywords = this.taskIndex.queryKeywords(question);
    const phrases = this.taskIndex.queryPhrases(question);
    // BM25 finds candidates; among them, the one whose title carries the question's words ranks first.
    return this.taskIndex
      .search(question, Math.max(limit, 10), allowed ? (i) => allowed.has(this.tasks[i]!.docId) : undefined)
      .map((h) => {
        const inName = phrases.length ? phrases.filter((p) => this.nameWords[h.index]!.has(p)).length / phrases.length : 0;
        return {
          task: this.tasks[h.index]!,
          score: h.score * (0.6 + inName),
          coverage: this.taskIndex.coverage(h.index, keywords),
          phraseCoverage: this.taskIndex.phraseCoverage(h.index, phrases) ?? h.coverage,
          nameCoverage: inName,
        };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }

  searchTargets(question: string, limit = 5, docIds?: readonly string[]): TargetMatch[] {
    const allowed = docIds && docIds.length > 0 ? new Set(docIds) : undefined;
    const keywords = this.targetIndex.queryKeywords(question);
    const phrases = this.targetIndex.queryPhrases(question);
    return this.targetIndex
      .search(question, limit, allowed ? (i) => allowed.has(this.targets[i]!.docId) : undefined)
      .map((h) => ({
        target: this.targets[h.index]!,
        score: h.score,
        coverage: this.targetIndex.coverage(h.index, keywords),
        phraseCoverage: this.targetIndex.phraseCoverage(h.index, phrases) ?? h.coverage,
      }));
  }

  /**
   * Duties of the "Tổ chức thực hiện" sections that best match the question, one match per
   * duty, best first. Why per duty: "gặp khó khăn vướng mắc thì phản ánh về đâu?" is answered
   * by one sentence, not by its whole record.
   *
   * @example lookup.searchResponsibilities('khó khăn vướng mắc phản ánh về đâu', 3, ['001'])[0]?.record.id // "001:TCTH:ket"
   */
  searchResponsibilities(question: string, limit = 5, docIds?: readonly string[]): ResponsibilityMatch[] {
    const allowed = docIds && docIds.length > 0 ? new Set(docIds) : undefined;
    const keywords = this.dutyIndex.queryKeywords(question);
    const phrases = this.dutyIndex.queryPhrases(question);
    return this.dutyIndex
      .search(question, limit, allowed ? (i) => allowed.has(this.dutyEntries[i]!.record.docId) : undefined)
      .map((h) => {
        const { record, dutyIndex } = this.dutyEntries[h.index]!;
        return {
          record,
          duty: record.duties[dutyIndex]!,
          dutyIndex,
          score: h.score,
          coverage: this.dutyIndex.coverage(h.index, keywords),
          phraseCoverage: this.dutyIndex.phraseCoverage(h.index, phrases) ?? h.coverage,
        };
      });
  }

  /**
   * Responsibility records assigned to an agency: those naming it, and those naming a group
   * phrase that covers it (as a listed member or by its kind, through nested groups), in
   * document and line order. "Thanh tra tỉnh có trách nhiệm gì trong KH CĐS 2024?" is
   * answered by 001's "Các sở, cơ quan thuộc UBND tỉnh, UBND huyện, thành phố". Units of a
   * Sở do not inherit the Sở's own duties, nor a Sở its units'.
   *
   * @example lookup.responsibilitiesOf('so-tai-chinh').map((r) => r.id) // ["001:TCTH:2", "001:TCTH:3", "001:TCTH:ket"]
   */
  responsibilitiesOf(agencyId: string, docIds?: readonly string[]): ResponsibilityRecord[] {
    const covering = this.coveringGroups(agencyId);
    return this.responsibilities
      .filter((r) => (!docIds || docIds.length === 0 || docIds.includes(r.docId)) && r.agencyIds.some((id) => id === agencyId || covering.has(id)))
      .sort(byRecordOrder);
  }

  /**
   * Every duty that reaches an agency, with how: as the subject, through a group phrase, or
   * named inside another agency's duty (Công an tỉnh in Văn phòng Tỉnh ủy's "Phối hợp với
   * Công an tỉnh, Sở Thông tin và Truyền thông bảo đảm an toàn, an ninh thông tin…").
   * A duty is listed once: as 'subject' when the record names the agency, else 'named' when
   * the duty names it, else 'group'.
   */
  dutiesOf(agencyId: string, docIds?: readonly string[]): AgencyDuty[] {
    const covering = this.coveringGroups(agencyId);
    const out: AgencyDuty[] = [];
    for (const record of [...this.responsibilities].sort(byRecordOrder)) {
      if (docIds && docIds.length > 0 && !docIds.includes(record.docId)) continue;
      const base: ResponsibilityVia | undefined = record.agencyIds.includes(agencyId)
        ? 'subject'
        : record.agencyIds.some((id) => covering.has(id))
          ? 'group'
          : undefined;
      record.duties.forEach((duty, dutyIndex) => {
        // A group's duty that names the agency itself ("… báo cáo qua Sở Thông tin và Truyền
        // thông") reaches it as the partner or recipient, not as one of the group.
        const named = duty.namedIds.includes(agencyId);
        const via = base === 'group' && named ? 'named' : (base ?? (named ? 'named' : undefined));
        if (via) out.push({ record, duty, dutyIndex, via });
      });
    }
    return out;
  }

  /** Group phrases covering an agency, following groups that are members of larger groups. */
  private coveringGroups(agencyId: string): Set<string> {
    const found = new Set<string>();
    const queue = [agencyId];
    while (queue.length > 0) {
      const id = queue.pop()!;
      for (const g of this.agencies.groupsContaining(id)) {
        if (!found.has(g.id) && g.id !== agencyId) {
          found.add(g.id);
          queue.push(g.id);
        }
      }
    }
    return found;
  }

  /** Tasks an agency leads or coordinates, in document and row order. */
  tasksOf(agencyId: string, role: AgencyRole): TaskRecord[] {
    return [...(this.byAgency.get(agencyId)?.[role] ?? [])].sort(byDocumentOrder);
  }

  /** Targets an agency monitors or carries out. */
  targetsOf(agencyId: string): TargetRecord[] {
    return this.targetsByAgency.get(agencyId) ?? [];
  }

  /** Agencies that lead or coordinate at least one task (for the API and the quiz). */
  agenciesWithTasks(): string[] {
    return [...this.byAgency.keys()];
  }

  /** Targets whose group heading matches a group name ("kinh tế số"), any document. */
  targetsInGroup(group: string, docIds?: readonly string[]): TargetRecord[] {
    const wanted = foldDiacritics(group).trim();
    return this.targets.filter((t) => foldDiacritics(t.group).includes(wanted) && (!docIds || docIds.length === 0 || docIds.includes(t.docId)));
  }

  /** Sum of the budgets (million VND) of the given tasks, counting a parent row once. */
  static totalBudget(tasks: readonly TaskRecord[]): number {
    return tasks.reduce((sum, t) => sum + (t.budget?.total ?? 0), 0);
  }
}

function byRecordOrder(a: ResponsibilityRecord, b: ResponsibilityRecord): number {
  return a.docId.localeCompare(b.docId) || a.lines[0] - b.lines[0];
}

/** Document id, then row numbers compared part by part ("4.10" after "4.9"). */
export function byDocumentOrder(a: TaskRecord, b: TaskRecord): number {
  if (a.docId !== b.docId) return a.docId.localeCompare(b.docId);
  return a.lines[0] - b.lines[0];
}
