/**
 * Lookups officials need over the plans' records: who leads a task, what an agency leads or
 * coordinates, targets by group, budgets and deadlines. Matching a question to a task or
 * target reuses the Vietnamese BM25 index (names, contents and group headings).
 */
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { LexicalIndex, type Analyzer } from '../retrieval/lexical-index.ts';
import type { AgencyDirectory } from './agencies.ts';
import type { TargetRecord, TaskRecord } from './schema.ts';

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

/** The words of a record that a question about it would use. */
export function taskSearchText(t: TaskRecord): string {
  return [t.group.at(-1) ?? '', t.name, t.content].filter(Boolean).join('. ');
}

export function targetSearchText(t: TargetRecord): string {
  return `${t.group}. ${t.text}`;
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

  constructor(
    readonly tasks: readonly TaskRecord[],
    readonly targets: readonly TargetRecord[],
    readonly agencies: AgencyDirectory,
    analyzer: Analyzer,
  ) {
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

/** Document id, then row numbers compared part by part ("4.10" after "4.9"). */
export function byDocumentOrder(a: TaskRecord, b: TaskRecord): number {
  if (a.docId !== b.docId) return a.docId.localeCompare(b.docId);
  return a.lines[0] - b.lines[0];
}
