/**
 * Keeping the change data current: which changes were checked too long ago, and which units
 * the documents name that nobody has yet marked as changed or as still existing.
 *
 * Why in `kb:build`: staff rebuild the index when documents change; that is the moment to see
 * what needs a fresh look (the province changed again in 2026).
 */
import type { Agency, AgencyDirectory } from '../records/agencies.ts';
import type { ChangeSet } from './change-set.ts';
import type { Change } from './schema.ts';

export interface StaleChange {
  readonly change: Change;
  readonly ageDays: number;
}

const DAY_MS = 86_400_000;

function toDay(d: Date | string): number {
  const iso = typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
  return Date.parse(`${iso}T00:00:00Z`);
}

/**
 * Changes whose `checked` date is more than `maxAgeDays` before `today`, oldest first.
 * @example staleChanges(changes, 180, new Date())
 */
export function staleChanges(changes: ChangeSet | readonly Change[], maxAgeDays: number, today: Date | string): StaleChange[] {
  const list = Array.isArray(changes) ? (changes as readonly Change[]) : (changes as ChangeSet).changes;
  const now = toDay(today);
  return list
    .map((change) => ({ change, ageDays: Math.floor((now - toDay(change.checked)) / DAY_MS) }))
    .filter((s) => s.ageDays > maxAgeDays)
    .sort((a, b) => b.ageDays - a.ageDays);
}

/**
 * Agencies named in the documents (`namedIds`, e.g. every `agencies.resolve` of the source
 * texts) that have no change entry and no `status: current` mark. Group phrases ("Các sở,
 * ngành") are left out: they name no single unit.
 */
export function unmarkedAgencies(namedIds: Iterable<string>, agencies: AgencyDirectory, changes: ChangeSet): Agency[] {
  const covered = changes.agencyIds();
  const out: Agency[] = [];
  for (const id of new Set(namedIds)) {
    const a = agencies.get(id);
    if (a === undefined || a.kind === 'nhom' || a.status === 'current' || covered.has(id)) continue;
    out.push(a);
  }
  return out.sort((x, y) => x.id.localeCompare(y.id));
}

/** The lines `npm run kb:build` prints (Vietnamese first, English in brackets, like the rest). */
export function changesReportLines(
  changes: ChangeSet,
  namedIds: Iterable<string>,
  options: { maxAgeDays: number; today: Date | string },
): string[] {
  const stale = staleChanges(changes, options.maxAgeDays, options.today);
  const unmarked = unmarkedAgencies(namedIds, changes.agencies, changes);
  const lines = [`Thay đổi sau các văn bản (changes.yaml): ${changes.changes.length} mục, ${stale.length} mục kiểm tra đã quá ${options.maxAgeDays} ngày (stale)`];
  for (const s of stale) {
    lines.push(`  CẦN KIỂM TRA LẠI (stale) ${s.change.id}: kiểm tra ngày ${s.change.checked} (${s.ageDays} ngày), người kiểm tra: ${s.change.recheckBy}`);
  }
  lines.push(`Đơn vị trong văn bản chưa có mục thay đổi hay dấu "status: current": ${unmarked.length} (unmarked)`);
  for (const a of unmarked) lines.push(`  CHƯA ĐÁNH DẤU (unmarked) ${a.id}: ${a.short}`);
  return lines;
}
