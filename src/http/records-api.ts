/**
 * The plans' records as data for officials' own use:
 *   GET /api/records/tasks?agency=&q=&doc=&role=lead|coordinate&format=csv
 *   GET /api/records/targets?group=&q=&doc=&format=csv
 * CSV is UTF-8 with a BOM so Excel shows Vietnamese correctly.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RecordLookup } from '../records/record-lookup.ts';
import type { TargetRecord, TaskRecord } from '../records/schema.ts';

const TaskQuerySchema = z.strictObject({
  agency: z.string().trim().max(200).optional(),
  role: z.enum(['lead', 'coordinate']).optional(),
  q: z.string().trim().max(500).optional(),
  doc: z.string().trim().max(20).optional(),
  format: z.enum(['json', 'csv']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

const TargetQuerySchema = z.strictObject({
  group: z.string().trim().max(200).optional(),
  q: z.string().trim().max(500).optional(),
  doc: z.string().trim().max(20).optional(),
  format: z.enum(['json', 'csv']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** One CSV cell: quoted when it holds a separator, quote or line break. */
export function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text with a UTF-8 BOM and CRLF line ends (what Excel expects). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const TASK_HEADER = ['id', 'van_ban', 'phu_luc', 'muc', 'nhom', 'ten', 'noi_dung', 'chu_tri', 'phoi_hop', 'thoi_gian', 'tinh_trang', 'san_pham', 'kinh_phi_trieu_dong', 'can_cu', 'dong'];
const taskRow = (t: TaskRecord) => [
  t.id,
  t.docId,
  t.appendix,
  t.row,
  t.group.join(' › '),
  t.name,
  t.content,
  t.leadText,
  t.coordinateText,
  t.period,
  t.status ?? '',
  t.product,
  t.budget?.total ?? '',
  t.legalBasis,
  `${t.lines[0]}-${t.lines[1]}`,
];
const TARGET_HEADER = ['id', 'van_ban', 'nhom', 'chi_tieu', 'gia_tri', 'don_vi', 'so_sanh', 'nam', 'theo_doi', 'chu_tri', 'dong'];
const targetRow = (t: TargetRecord) => [t.id, t.docId, t.group, t.text, t.value ?? '', t.unit, t.comparator, t.year, t.monitorText, t.leadText, `${t.lines[0]}-${t.lines[1]}`];

function badRequest(res: Response, issues: z.ZodError): void {
  res.status(400).json({ error: `Tham số không hợp lệ (invalid query): ${issues.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}` });
}

function send(res: Response, format: 'json' | 'csv' | undefined, name: string, json: unknown, csv: () => string): void {
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(csv());
    return;
  }
  res.json(json);
}

export function createRecordsRouter(records: () => RecordLookup | undefined): Router {
  const router = Router();

  router.get('/api/records/tasks', (req: Request, res: Response) => {
    const parsed = TaskQuerySchema.safeParse(req.query);
    if (!parsed.success) return badRequest(res, parsed.error);
    const lookup = records();
    if (!lookup) return void res.status(503).json({ error: 'records are still loading' });
    const { agency, role, q, doc, format, limit } = parsed.data;
    let tasks: TaskRecord[] = [...lookup.tasks];
    if (agency) {
      const found = lookup.agencies.findInQuestion(agency);
      if (found.length === 0) return void res.status(404).json({ error: `không tìm thấy cơ quan "${agency}" (unknown agency)` });
      const ids = new Set(found.map((a) => a.id));
      const roles = role ? [role] : (['lead', 'coordinate'] as const);
      const matched = new Set<TaskRecord>();
      for (const id of ids) for (const r of roles) for (const t of lookup.tasksOf(id, r)) matched.add(t);
      tasks = tasks.filter((t) => matched.has(t));
    }
    if (doc) tasks = tasks.filter((t) => t.docId === doc);
    if (q) {
      const order = new Map(lookup.searchTasks(q, 1000, doc ? [doc] : undefined).map((m, i) => [m.task.id, i]));
      tasks = tasks.filter((t) => order.has(t.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    }
    if (limit) tasks = tasks.slice(0, limit);
    send(res, format, 'nhiem-vu', { count: tasks.length, tasks }, () => toCsv(TASK_HEADER, tasks.map(taskRow)));
  });

  router.get('/api/records/targets', (req: Request, res: Response) => {
    const parsed = TargetQuerySchema.safeParse(req.query);
    if (!parsed.success) return badRequest(res, parsed.error);
    const lookup = records();
    if (!lookup) return void res.status(503).json({ error: 'records are still loading' });
    const { group, q, doc, format, limit } = parsed.data;
    let targets: TargetRecord[] = group ? lookup.targetsInGroup(group) : [...lookup.targets];
    if (doc) targets = targets.filter((t) => t.docId === doc);
    if (q) {
      const order = new Map(lookup.searchTargets(q, 1000, doc ? [doc] : undefined).map((m, i) => [m.target.id, i]));
      targets = targets.filter((t) => order.has(t.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    }
    if (limit) targets = targets.slice(0, limit);
    send(res, format, 'chi-tieu', { count: targets.length, targets }, () => toCsv(TARGET_HEADER, targets.map(targetRow)));
  });

  return router;
}
