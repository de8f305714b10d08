/**
 * Records live in the same SQLite file as the knowledge index and are rebuilt with it, so
 * a start-up loads them without re-reading the documents.
 */
import type { Db } from '../storage/database.ts';
import { TargetRecordSchema, TaskRecordSchema, type TargetRecord, type TaskRecord } from './schema.ts';

export function saveRecords(db: Db, tasks: readonly TaskRecord[], targets: readonly TargetRecord[], reportLines: readonly string[]): void {
  const insert = db.prepare('INSERT INTO kb_records (kind, id, doc_id, seq, json) VALUES (?, ?, ?, ?, ?)');
  const report = db.prepare('INSERT INTO kb_records_report (line, seq) VALUES (?, ?)');
  db.exec('DELETE FROM kb_records; DELETE FROM kb_records_report;');
  tasks.forEach((t, i) => insert.run('task', t.id, t.docId, i, JSON.stringify(t)));
  targets.forEach((t, i) => insert.run('target', t.id, t.docId, i, JSON.stringify(t)));
  reportLines.forEach((line, i) => report.run(line, i));
}

/** Loads and re-validates the stored records (a corrupt row fails loudly, naming it). */
export function loadRecords(db: Db): { tasks: TaskRecord[]; targets: TargetRecord[]; report: string[] } {
  const rows = db.prepare('SELECT kind, id, json FROM kb_records ORDER BY kind, seq').all() as Array<{ kind: string; id: string; json: string }>;
  const tasks: TaskRecord[] = [];
  const targets: TargetRecord[] = [];
  for (const row of rows) {
    const data: unknown = JSON.parse(row.json);
    if (row.kind === 'task') tasks.push(TaskRecordSchema.parse(data));
    else targets.push(TargetRecordSchema.parse(data));
  }
  const report = (db.prepare('SELECT line FROM kb_records_report ORDER BY seq').pluck().all() as string[]) ?? [];
  return { tasks, targets, report };
}
