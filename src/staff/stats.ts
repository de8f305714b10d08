/**
 * Usage figures for staff: messages per day and channel, outcomes (answered, not found,
 * declined, handed off), the 👍/👎 rate, top intents, top unanswered groups, answer latency
 * p50/p95, open tickets and time to the first staff reply; also as CSV (UTF-8 with BOM).
 */
import type { AnswerLog, FeedbackStore } from './answer-log.ts';
import type { TicketStore } from './tickets.ts';
import { unansweredQueue, type UnansweredGroup } from './unanswered.ts';
import type { Analyzer } from './similarity.ts';

export interface DayRow {
  day: string;
  channel: string;
  messages: number;
  answered: number;
  notFound: number;
  declined: number;
  handedOff: number;
  up: number;
  down: number;
}

export interface Stats {
  from: string;
  to: string;
  totals: { messages: number; answered: number; notFound: number; declined: number; handedOff: number; toStaff: number };
  feedback: { up: number; down: number; downRate: number | null };
  latencyMs: { p50: number | null; p95: number | null };
  topIntents: Array<{ intent: string; count: number }>;
  topUnanswered: Array<Pick<UnansweredGroup, 'question' | 'count' | 'latestAt'>>;
  tickets: { open: number; claimed: number; closed: number; firstReplyMs: { p50: number | null; p95: number | null; count: number } };
  days: DayRow[];
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Local calendar day (the server's time zone), YYYY-MM-DD. */
function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function computeStats(
  deps: { log: AnswerLog; feedback: FeedbackStore; tickets: TicketStore; analyze: Analyzer },
  options: { since: number; until?: number; minConfidence: number },
): Stats {
  const until = options.until ?? Date.now() + 1;
  const log = deps.log.since(options.since, until);
  const feedback = deps.feedback.since(options.since, until);
  const days = new Map<string, DayRow>();
  const row = (day: string, channel: string) => {
    const key = `${day}|${channel}`;
    let r = days.get(key);
    if (!r) days.set(key, (r = { day, channel, messages: 0, answered: 0, notFound: 0, declined: 0, handedOff: 0, up: 0, down: 0 }));
    return r;
  };
  const totals = { messages: 0, answered: 0, notFound: 0, declined: 0, handedOff: 0, toStaff: 0 };
  const intents = new Map<string, number>();
  const latencies: number[] = [];
  for (const e of log) {
    const r = row(dayOf(e.createdAt), e.channel);
    r.messages += 1;
    totals.messages += 1;
    intents.set(e.intent, (intents.get(e.intent) ?? 0) + 1);
    if (e.outcome === 'answered') {
      r.answered += 1;
      totals.answered += 1;
      latencies.push(e.latencyMs);
    } else if (e.outcome === 'not_found') {
      r.notFound += 1;
      totals.notFound += 1;
      latencies.push(e.latencyMs);
    } else if (e.outcome === 'declined') {
      r.declined += 1;
      totals.declined += 1;
    } else if (e.outcome === 'handoff') {
      r.handedOff += 1;
      totals.handedOff += 1;
    } else if (e.outcome === 'to_staff') totals.toStaff += 1;
  }
  for (const f of feedback) {
    const r = row(dayOf(f.createdAt), f.channel);
    if (f.rating === 'up') r.up += 1;
    else r.down += 1;
  }
  const up = feedback.filter((f) => f.rating === 'up').length;
  const down = feedback.length - up;
  const delays = deps.tickets.firstReplyDelays(options.since);
  const counts = deps.tickets.countByStatus();
  return {
    from: new Date(options.since).toISOString(),
    to: new Date(Math.min(until, Date.now())).toISOString(),
    totals,
    feedback: { up, down, downRate: feedback.length ? Math.round((down / feedback.length) * 1000) / 1000 : null },
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    topIntents: [...intents].map(([intent, count]) => ({ intent, count })).sort((a, b) => b.count - a.count).slice(0, 10),
    topUnanswered: unansweredQueue(deps, { since: options.since, minConfidence: options.minConfidence, limit: 10 }).map((g) => ({
      question: g.question,
      count: g.count,
      latestAt: g.latestAt,
    })),
    tickets: { ...counts, firstReplyMs: { p50: percentile(delays, 50), p95: percentile(delays, 95), count: delays.length } },
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel)),
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per day and channel, then the summary lines; UTF-8 with BOM so Excel reads the Vietnamese. */
export function statsCsv(stats: Stats): string {
  const lines = [['ngay', 'kenh', 'tin_nhan', 'da_tra_loi', 'chua_tim_thay', 'tu_choi', 'chuyen_can_bo', 'thich', 'khong_thich'].join(',')];
  for (const d of stats.days) lines.push([d.day, d.channel, d.messages, d.answered, d.notFound, d.declined, d.handedOff, d.up, d.down].map(csvCell).join(','));
  lines.push('');
  lines.push('chi_so,gia_tri');
  const summary: Array<[string, unknown]> = [
    ['tong_tin_nhan', stats.totals.messages],
    ['da_tra_loi', stats.totals.answered],
    ['chua_tim_thay', stats.totals.notFound],
    ['tu_choi', stats.totals.declined],
    ['chuyen_can_bo', stats.totals.handedOff],
    ['ty_le_khong_thich', stats.feedback.downRate],
    ['do_tre_p50_ms', stats.latencyMs.p50],
    ['do_tre_p95_ms', stats.latencyMs.p95],
    ['yeu_cau_dang_mo', stats.tickets.open],
    ['yeu_cau_dang_xu_ly', stats.tickets.claimed],
    ['thoi_gian_phan_hoi_dau_p50_ms', stats.tickets.firstReplyMs.p50],
  ];
  for (const [k, v] of summary) lines.push(`${k},${csvCell(v)}`);
  for (const g of stats.topUnanswered) lines.push(`${csvCell(`chua_tra_loi: ${g.question}`)},${g.count}`);
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
