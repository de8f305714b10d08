/**
 * Questions from the plans' targets: "fill in the value" (the target sentence as printed,
 * with its value blanked) and, for the 2024 plan's Phụ lục I, "which agency monitors it".
 *
 * Wrong values are other targets' values in the same unit and plausible steps around the
 * true one (±10 and ±20 points for percentages, ×0.5…×2 otherwise), never a number the
 * stem itself shows and never the true value; so no wrong option is also right.
 */
import type { DocumentMeta } from '../../kb/types.ts';
import type { AgencyDirectory } from '../../records/agencies.ts';
import type { RecordSet, TargetRecord } from '../../records/schema.ts';
import { NUMBER, foldTokens, formatVietnameseNumber, numbersIn, parseVietnameseNumber, textKey } from '../bank-text.ts';
import { agenciesOption, agencyDistractors } from './agency-options.ts';
import { clip, documentLabel, hashString, idPart, type GeneratorOutput, type QuestionDraft } from './common.ts';
import { topicOf } from './topics.ts';

/** The blank shown in place of the value. */
export const BLANK = '___';

/** One printed occurrence of a target's value in its sentence. */
interface ValueSpan {
  start: number;
  end: number;
}

/**
 * Where the target's value is printed in its sentence: the number (or "a – b" range) with
 * its unit when the unit follows. When the comparator ("trên", "đạt", "đến") picks out
 * some occurrences, only those; otherwise every occurrence of the value.
 *
 * @example findValueSpans({ text: "… đạt trên 70%", value: 70, unit: "%", comparator: "trên" }) // [{ start: …, end: … }] covering "70%"
 */
export function findValueSpans(t: Pick<TargetRecord, 'text' | 'value' | 'valueMax' | 'unit' | 'comparator'>): ValueSpan[] {
  if (t.value === undefined) return [];
  const text = t.text;
  const numbers = [...text.matchAll(NUMBER)].map((m) => ({ start: m.index, end: m.index + m[0].length, value: parseVietnameseNumber(m[0]) }));
  const spans: ValueSpan[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i];
    if (n === undefined || n.value !== t.value) continue;
    if (text[n.start - 1] === '/') continue; // "thiết bị/100 dân": part of a unit
    let end = n.end;
    if (t.valueMax !== undefined) {
      const next = numbers[i + 1];
      if (next === undefined || next.value !== t.valueMax || !/^\s*%?\s*[-–]\s*$/.test(text.slice(n.end, next.start))) continue;
      end = next.end;
    }
    spans.push({ start: n.start, end: withUnit(text, end, t.unit) });
  }
  if (t.comparator === '' || spans.length <= 1) return spans;
  const comparator = textKey(t.comparator);
  const picked = spans.filter((s) => textKey(text.slice(Math.max(0, s.start - 40), s.start)).endsWith(comparator));
  return picked.length > 0 ? picked : spans;
}

/** Moves `end` past the unit when the unit follows the number (directly or after one space). */
function withUnit(text: string, end: number, unit: string): number {
  if (unit === '') return end;
  const rest = text.slice(end);
  const gap = /^ ?/.exec(rest)?.[0].length ?? 0;
  if (rest.slice(gap, gap + unit.length).toLowerCase() === unit.toLowerCase()) return end + gap + unit.length;
  const squeezed = unit.replace(/\s+/g, '');
  if (rest.slice(gap, gap + squeezed.length).toLowerCase() === squeezed.toLowerCase()) return end + gap + squeezed.length;
  return end;
}

/** The value as an option: "70%", "20 – 30%/năm", "14 GB/tháng/thuê bao", "5.000 trạm". */
export function formatTargetValue(value: number, valueMax: number | undefined, unit: string): string {
  const number = valueMax === undefined ? formatVietnameseNumber(value) : `${formatVietnameseNumber(value)} – ${formatVietnameseNumber(valueMax)}`;
  if (unit === '') return number;
  return unit.startsWith('%') ? `${number}${unit}` : `${number} ${unit}`;
}

/**
 * Wrong values for a target. Percentages: steps of ±10 and ±20 points within 0–100 and
 * other targets' percentages, nearest first. Other units: ×0.5, ×0.75, ×1.25, ×1.5, ×2 and
 * other targets' values, nearest ratio first. Ranges: the range shifted by ±1–3 widths.
 * `forbidden` holds numbers that must not appear (the stem's own numbers).
 */
export function valueDistractors(opts: {
  value: number;
  valueMax?: number;
  unit: string;
  pool: readonly number[];
  forbidden: ReadonlySet<number>;
  seed: string;
  count?: number;
}): Array<{ value: number; valueMax?: number }> {
  const { value, valueMax, unit, forbidden } = opts;
  const count = opts.count ?? 3;
  const percent = unit.startsWith('%');
  const tie = (x: number): number => hashString(`${opts.seed}:${x}`);
  if (valueMax !== undefined) {
    const width = valueMax - value;
    const shifts = [-1, 1, -2, 2, 3, -3].map((k) => ({ value: value + k * width, valueMax: valueMax + k * width }));
    return shifts.filter((r) => r.value > 0 && (!percent || r.valueMax <= 100) && !forbidden.has(r.value) && !forbidden.has(r.valueMax)).slice(0, count);
  }
  const candidates = new Set<number>();
  if (percent) {
    for (const step of [-10, 10, -20, 20]) candidates.add(value + step);
    for (const p of opts.pool) candidates.add(p);
  } else {
    for (const factor of [0.5, 0.75, 1.25, 1.5, 2]) candidates.add(niceRound(value * factor, value));
    for (const p of opts.pool) candidates.add(p);
  }
  const distance = (x: number): number => (percent ? Math.abs(x - value) : Math.abs(Math.log(x / value)));
  return [...candidates]
    .filter((x) => x > 0 && x !== value && (!percent || x <= 100) && !forbidden.has(x))
    .sort((a, b) => distance(a) - distance(b) || tie(a) - tie(b))
    .slice(0, count)
    .map((x) => ({ value: x }));
}

/** Rounds a scaled value like the original: integers stay integers, 0,22 keeps two decimals, 5.000 keeps two significant digits. */
function niceRound(x: number, like: number): number {
  if (!Number.isInteger(like)) {
    const decimals = (String(like).split('.')[1] ?? '').length;
    return Number(x.toFixed(decimals));
  }
  if (like >= 1000) {
    const magnitude = 10 ** (Math.floor(Math.log10(x)) - 1);
    return Math.round(x / magnitude) * magnitude;
  }
  return Math.max(1, Math.round(x));
}

/** The target text with its value spans replaced by the blank, cut to the sentences that hold a blank when long. */
export function blankedText(text: string, spans: readonly ValueSpan[]): string {
  let out = '';
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, s.start) + BLANK;
    at = s.end;
  }
  out += text.slice(at);
  if (out.length <= 320) return out.trim();
  const sentences = out.split(/(?<=[.;])\s+/);
  return sentences.filter((s) => s.includes(BLANK)).join(' ').trim();
}

/** Numbers a stem shows, leaving out "per N" parts of units ("thiết bị/100 dân"). */
function shownNumbers(text: string): Set<number> {
  return new Set(numbersIn(text.replace(/\/\s*\d+/g, ' ')));
}

function yearPhrase(year: string, stemText: string): string {
  if (!/\d{4}/.test(year)) return '';
  const years = year.match(/\d{4}/g) ?? [];
  if (years.every((y) => stemText.includes(y))) return '';
  return year.includes('-') ? ` giai đoạn ${year}` : ` năm ${year}`;
}

function sectionOf(t: TargetRecord): string {
  const pl = /:PLI:(.+)$/.exec(t.id);
  return pl ? `Phụ lục I, chỉ tiêu ${pl[1]} (${t.group})` : `Mục tiêu – ${t.group}`;
}

/** The targets worth a value question: one per document, sentence and value (Phụ lục I repeats the prose targets of 001). */
function distinctTargets(targets: readonly TargetRecord[]): TargetRecord[] {
  const best = new Map<string, TargetRecord>();
  for (const t of targets) {
    if (t.value === undefined) continue;
    const key = `${t.docId}|${textKey(t.text)}|${t.value}|${t.valueMax ?? ''}`;
    const seen = best.get(key);
    // Prefer the prose objective (a short, clean citation) over its appendix copy.
    const rank = (r: TargetRecord): number => (r.id.includes(':PLI:') ? 1000 : 0) + r.lines[1] - r.lines[0];
    if (seen === undefined || rank(t) < rank(seen)) best.set(key, t);
  }
  return targets.filter((t) => best.get(`${t.docId}|${textKey(t.text)}|${t.value}|${t.valueMax ?? ''}`) === t);
}

/**
 * "Fill in the value" questions, one per distinct target with a printed value.
 *
 * @example generateTargetQuestions({ records, documents }).drafts[0].stem
 *   // "Theo Kế hoạch CĐS năm 2024 của UBND tỉnh (12/2023), mục tiêu năm 2024: “Tỷ lệ hồ sơ … đạt trên ___”. Chỗ trống (___) là bao nhiêu?"
 */
export function generateTargetQuestions(opts: { records: RecordSet; documents: readonly DocumentMeta[] }): GeneratorOutput {
  const out: GeneratorOutput = { drafts: [], skipped: [] };
  const docs = new Map(opts.documents.map((d) => [d.id, d]));
  for (const t of distinctTargets(opts.records.targets)) {
    const id = `gen-target-${idPart(t.id)}`;
    const doc = docs.get(t.docId);
    if (doc === undefined || t.value === undefined) {
      out.skipped.push({ id, reason: `không có văn bản "${t.docId}" / unknown document` });
      continue;
    }
    const spans = findValueSpans(t);
    if (spans.length === 0) {
      out.skipped.push({ id, reason: 'giá trị không thấy in trong câu chỉ tiêu / value not printed in the target sentence' });
      continue;
    }
    const blanked = blankedText(t.text, spans);
    const first = spans[0] as ValueSpan;
    const evidence = t.text.slice(first.start, first.end);
    const stem = `Theo ${documentLabel(doc)}, mục tiêu${yearPhrase(t.year, blanked)}: “${blanked}”. Chỗ trống (${BLANK}) là bao nhiêu?`;
    const forbidden = shownNumbers(stem.replaceAll(BLANK, ' '));
    const pool = opts.records.targets.filter((o) => o.unit === t.unit && o.value !== undefined && o.valueMax === undefined).map((o) => o.value as number);
    const wrong = valueDistractors({ value: t.value, valueMax: t.valueMax, unit: t.unit, pool, forbidden, seed: id });
    if (wrong.length < 2) {
      out.skipped.push({ id, reason: 'không đủ phương án sai hợp lý / not enough plausible wrong values' });
      continue;
    }
    const draft: QuestionDraft = {
      id,
      stem,
      answer: formatTargetValue(t.value, t.valueMax, t.unit),
      distractors: wrong.map((w) => formatTargetValue(w.value, w.valueMax, t.unit)),
      evidence,
      explanation: `Theo ${documentLabel(doc)}, ${sectionOf(t)}: “${t.text}”.`,
      source: { doc: t.docId, section: sectionOf(t), lines: t.lines, recordId: t.id },
      topic: topicOf({ docId: t.docId, headings: [t.group], text: t.text }),
      difficulty: t.valueMax !== undefined ? 'hard' : t.value === 100 ? 'easy' : 'medium',
      origin: 'generated',
      kind: 'target-value',
    };
    out.drafts.push(draft);
  }
  return out;
}

/**
 * "Which agency monitors this target?" for targets that name a monitoring agency
 * (Phụ lục I of the 2024 plan). Wrong options: the other monitoring agencies first, then
 * units of the same kind; never a unit named in the row.
 */
export function generateMonitorQuestions(opts: { records: RecordSet; documents: readonly DocumentMeta[]; agencies: AgencyDirectory }): GeneratorOutput {
  const out: GeneratorOutput = { drafts: [], skipped: [] };
  const docs = new Map(opts.documents.map((d) => [d.id, d]));
  const withMonitor = opts.records.targets.filter((t) => t.monitorText !== '');
  for (const t of withMonitor) {
    const id = `gen-monitor-${idPart(t.id)}`;
    const doc = docs.get(t.docId);
    const monitorIds = opts.agencies.resolve(t.monitorText);
    const monitors = monitorIds.map((a) => opts.agencies.get(a)).filter((a) => a !== undefined);
    if (doc === undefined || monitors.length === 0 || monitors.some((a) => a.kind === 'nhom')) {
      out.skipped.push({ id, reason: `cơ quan theo dõi "${t.monitorText}" không xác định được / monitoring agency not resolved to one unit` });
      continue;
    }
    const exclude = new Set([...monitorIds, ...opts.agencies.resolve(t.leadText), ...opts.agencies.resolve(t.text)]);
    const preferred = new Set(withMonitor.filter((o) => o.docId === t.docId).flatMap((o) => opts.agencies.resolve(o.monitorText)));
    const distractors = agencyDistractors({ directory: opts.agencies, correct: monitors, exclude, preferred, seed: id });
    if (distractors.length < 2) {
      out.skipped.push({ id, reason: 'không đủ cơ quan cùng loại làm phương án sai / not enough units of the same kind' });
      continue;
    }
    const section = sectionOf(t);
    out.drafts.push({
      id,
      stem: `Theo ${documentLabel(doc)}, ${section.split(' (')[0]}, cơ quan nào theo dõi, đôn đốc chỉ tiêu “${clip(t.text, 220)}”?`,
      answer: agenciesOption(monitors),
      distractors,
      evidence: t.monitorText,
      explanation: `Theo ${documentLabel(doc)}, ${section}: chỉ tiêu “${t.text}” do “${t.monitorText}” theo dõi, đôn đốc${t.leadText ? `; cơ quan chủ trì thực hiện: “${t.leadText}”` : ''}.`,
      source: { doc: t.docId, section, lines: t.lines, recordId: t.id },
      topic: topicOf({ docId: t.docId, headings: [t.group], text: t.text }),
      difficulty: 'medium',
      origin: 'generated',
      kind: 'target-monitor',
    });
  }
  return out;
}

/** Folded tokens of a text, for similarity between targets of different documents. */
export function subjectTokens(text: string): Set<string> {
  return new Set(foldTokens(text.replace(NUMBER, ' ')).filter((t) => t.length > 1));
}
