/**
 * Records live in the same SQLite file as the knowledge index and are rebuilt with it, so
 * a start-up loads them without re-reading the documents.
 */
import type { Db } from '../storage/database.ts';
import {
  GroupRecordSchema,
  ResponsibilityRecordSchema,
  TargetRecordSchema,
  TaskRecordSchema,
  type GroupRecord,
  type ResponsibilityRecord,
  type TargetRecord,
  type TaskRecord,
} from './schema.ts';

/**
 * Replaces the stored records. Responsibility records (kind 'responsibility' in the same
 * table) are optional so callers written before them keep working.
 */
export function saveRecords(
  db: Db,
  tasks: readonly TaskRecord[],
  targets: readonly TargetRecord[],
  reportLines: readonly string[],
  responsibilities: readonly ResponsibilityRecord[] = [],
  groups: readonly GroupRecord[] = [],
): void {
  const insert = db.prepare('INSERT INTO kb_records (kind, id, doc_id, seq, json) VALUES (?, ?, ?, ?, ?)');
  const report = db.prepare('INSERT INTO kb_records_report (line, seq) VALUES (?, ?)');
  db.exec('DELETE FROM kb_records; DELETE FROM kb_records_report;');
  tasks.forEach((t, i) => insert.run('task', t.id, t.docId, i, JSON.stringify(t)));
  targets.forEach((t, i) => insert.run('target', t.id, t.docId, i, JSON.stringify(t)));
  responsibilities.forEach((r, i) => insert.run('responsibility', r.id, r.docId, i, JSON.stringify(r)));
  groups.forEach((g, i) => insert.run('group', g.id, g.docId, i, JSON.stringify(g)));
  reportLines.forEach((line, i) => report.run(line, i));
}

/** Loads and re-validates the stored records (a corrupt row fails loudly, naming it). */
export function loadRecords(db: Db): {
  tasks: TaskRecord[];
  targets: TargetRecord[];
  responsibilities: ResponsibilityRecord[];
  groups: GroupRecord[];
  report: string[];
} {
  const rows = db.prepare('SELECT kind, id, json FROM kb_records ORDER BY kind, seq').all() as Array<{ kind: string; id: string; json: string }>;
  const tasks: TaskRecord[] = [];
  const targets: TargetRecord[] = [];
  const responsibilities: ResponsibilityRecord[] = [];
  const groups: GroupRecord[] = [];
  for (const row of rows) {
    const data: unknown = JSON.parse(row.json);
    if (row.kind === 'task') tasks.push(TaskRecordSchema.parse(data));
    else if (row.kind === 'responsibility') responsibilities.push(ResponsibilityRecordSchema.parse(data));
    else if (row.kind === 'group') groups.push(GroupRecordSchema.parse(data));
    else targets.push(TargetRecordSchema.parse(data));
  }
  const report = (db.prepare('SELECT line FROM kb_records_report ORDER BY seq').pluck().all() as string[]) ?? [];
  return { tasks, targets, responsibilities, groups, report };
}
