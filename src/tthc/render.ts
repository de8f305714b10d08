/**
 * Procedure cards and follow-up answers as text a citizen reads on a phone: a two-line
 * summary, numbered steps, documents, time and fee, the legal basis, the date the facts
 * were last checked and the official portal. Pure functions of the catalog data, so every
 * sentence traces to a fact group and its source.
 *
 * Why a hard length budget: Zalo messages and the evaluation allow 2000 characters per
 * reply; a card that does not fit loses its least useful parts first (document notes, the
 * plan's line, long steps), never its disclaimer.
 */
import type { Aspect } from './aspects.ts';
import { CHANNEL_LABELS, LEVEL_LABELS, type DocumentItem, type FactGroupName, type LegalRef, type Procedure } from './schema.ts';

/** The longest reply a card may produce, buttons' numbered lines included. */
export const CARD_MAX_CHARS = 2000;

export interface RenderOptions {
  /** The national public service portal (authoritative version of every procedure). */
  portalUrl: string;
  /** A line from the province's plan with its citation, when one is relevant. */
  planLine?: string;
  /** Characters the caller needs for buttons and other messages. */
  reserve?: number;
}

/** "21/11/2026" from "2026-11-21". */
export function displayDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** The most recent check of the groups shown (a card is as fresh as its oldest fact, but people ask "when was this checked"). */
export function verifiedOnOf(procedure: Procedure, groups: readonly FactGroupName[] = FACT_GROUP_ORDER): string {
  const dates = groups.flatMap((g) => {
    const group = procedure[g];
    return group ? [group.verifiedOn] : [];
  });
  return dates.sort()[0] ?? '';
}

const FACT_GROUP_ORDER: readonly FactGroupName[] = ['agency', 'applicants', 'documents', 'steps', 'processingTime', 'fees', 'submission', 'result'];

/** "Luật Hộ tịch 60/2014/QH13 (20/11/2014), Điều 16". */
export function legalRefText(ref: LegalRef): string {
  return `${ref.title.includes(ref.number) ? ref.title : `${ref.title} ${ref.number}`} (${ref.date})${ref.articles ? `, ${ref.articles}` : ''}`;
}

/**
 * The legal bases of several groups, one per document, articles merged, short enough for a
 * card: "Luật Hộ tịch 60/2014/QH13 (20/11/2014), Điều 11, 13; 528/QĐ-BTP (10/4/2023)". Long
 * titles are left out (the number and date identify the document).
 */
export function legalBasisLine(procedure: Procedure, groups: readonly FactGroupName[]): string {
  const byNumber = new Map<string, { ref: LegalRef; articles: string[] }>();
  for (const g of groups) {
    for (const ref of procedure[g]?.legalBasis ?? []) {
      const entry = byNumber.get(ref.number) ?? { ref, articles: [] };
      if (ref.articles && !entry.articles.includes(ref.articles)) entry.articles.push(ref.articles);
      byNumber.set(ref.number, entry);
    }
  }
  return [...byNumber.values()]
    .map(({ ref, articles }) => {
      const name = ref.title.includes(ref.number) ? ref.title : ref.title.length <= 30 ? `${ref.title} ${ref.number}` : ref.number;
      return `${name} (${ref.date})${articles.length ? ', ' + articles.join(', ') : ''}`;
    })
    .join('; ');
}

/** The closing every answer carries: reference only, last checked, authoritative portal. */
export function disclaimer(procedure: Procedure, groups: readonly FactGroupName[], portalUrl: string): string {
  const date = verifiedOnOf(procedure, groups);
  return `Thông tin chỉ để tham khảo, kiểm tra lần cuối ngày ${displayDate(date)}. Bản chính thức, cập nhật: Cổng Dịch vụ công quốc gia ${portalUrl}.`;
}

export function documentLine(d: DocumentItem, withNotes: boolean): string {
  const form = d.form ? ` (mẫu: ${d.form})` : '';
  const note = withNotes && d.note ? `: ${d.note}` : '';
  return `- ${d.name}${form}${note}`;
}

const UNKNOWN = 'em chưa có thông tin đã kiểm chứng, anh/chị xem trên Cổng Dịch vụ công';

function summaryLines(p: Procedure): string[] {
  const level = p.agency.level ? `, ${LEVEL_LABELS[p.agency.level].toLowerCase()}` : '';
  const online = p.submission?.channels.some((c) => c.kind === 'truc-tuyen') ?? false;
  const how = p.submission ? [...new Set(p.submission.channels.map((c) => CHANNEL_LABELS[c.kind].toLowerCase()))].join(', ') : undefined;
  return [
    `Dạ, thủ tục ${p.name} (lĩnh vực ${p.field}${level}):`,
    `Cơ quan giải quyết: ${p.agency.text}.${how ? ` Cách nộp: ${how}.` : ''}${online ? '' : ' Chưa có thông tin đã kiểm chứng về nộp trực tuyến.'}`,
  ];
}

function feeText(p: Procedure): string {
  if (!p.fees) return UNKNOWN;
  return [p.fees.text, p.fees.exemptions ? `Miễn: ${p.fees.exemptions}` : '', p.fees.note ?? ''].filter(Boolean).join(' ');
}

interface CardParts {
  documentNotes: boolean;
  plan: boolean;
  stepMax: number;
  feeNotes: boolean;
}

/** The card's text at a given level of detail. */
function cardText(p: Procedure, options: RenderOptions, parts: CardParts): string {
  const shown: FactGroupName[] = ['agency', 'documents', 'steps', 'processingTime', 'fees', 'submission'];
  const lines: string[] = [...summaryLines(p), ''];
  if (p.steps) {
    lines.push('Các bước:');
    p.steps.items.forEach((s, i) => lines.push(`${i + 1}. ${s.length > parts.stepMax ? s.slice(0, parts.stepMax - 1).replace(/\s+\S*$/u, '') + '…' : s}`));
  } else lines.push(`Các bước: ${UNKNOWN}.`);
  lines.push('', 'Giấy tờ cần chuẩn bị:');
  if (p.documents) lines.push(...p.documents.items.map((d) => documentLine(d, parts.documentNotes)));
  else lines.push(`- ${UNKNOWN}`);
  lines.push('', `Thời hạn giải quyết: ${p.processingTime?.text ?? UNKNOWN}`);
  lines.push(`Phí, lệ phí: ${parts.feeNotes ? feeText(p) : p.fees?.text ?? UNKNOWN}`);
  if (parts.plan && options.planLine) lines.push('', options.planLine);
  lines.push('', `Căn cứ: ${legalBasisLine(p, shown)}.`, disclaimer(p, shown, options.portalUrl));
  return lines.join('\n');
}

/** A card and the fact groups it shortened (their full text is one "Xem thêm" button away). */
export interface RenderedCard {
  text: string;
  shortened: FactGroupName[];
}

/**
 * The procedure card, within `CARD_MAX_CHARS - reserve`: details are dropped in order
 * (document notes, fee notes, the plan's line, long steps) until it fits. A phone shows
 * the short form first: document notes and long steps are one button away.
 */
export function renderCardParts(p: Procedure, options: RenderOptions): RenderedCard {
  const budget = CARD_MAX_CHARS - (options.reserve ?? 0);
  const levels: CardParts[] = [
    { documentNotes: false, plan: true, stepMax: 180, feeNotes: true },
    { documentNotes: false, plan: true, stepMax: 180, feeNotes: false },
    { documentNotes: false, plan: false, stepMax: 180, feeNotes: false },
    { documentNotes: false, plan: false, stepMax: 120, feeNotes: false },
    { documentNotes: false, plan: false, stepMax: 80, feeNotes: false },
  ];
  let text = '';
  let parts: CardParts = levels[0]!;
  for (parts of levels) {
    text = cardText(p, options, parts);
    if (text.length <= budget) break;
  }
  if (text.length > budget) text = text.slice(0, budget - 1) + '…';
  const shortened: FactGroupName[] = [];
  if (p.steps?.items.some((s) => s.length > parts.stepMax)) shortened.push('steps');
  if (p.documents?.items.some((d) => d.note)) shortened.push('documents');
  if (p.fees && !parts.feeNotes && (p.fees.exemptions || p.fees.note)) shortened.push('fees');
  return { text, shortened };
}

/** The card's text (see `renderCardParts`). */
export function renderCard(p: Procedure, options: RenderOptions): string {
  return renderCardParts(p, options).text;
}

/** The answer to one aspect of a procedure ("Giấy tờ cần chuẩn bị"), from its fact groups only. */
export function renderAspect(p: Procedure, aspect: Aspect, options: RenderOptions): string {
  const lines: string[] = [`Dạ, ${aspect.title.toLowerCase()} của thủ tục ${p.name}:`];
  const present = aspect.groups.filter((g) => p[g] !== undefined);
  const legalOnly = aspect.id === 'cancu';
  if (legalOnly) {
    for (const g of present) for (const ref of p[g]!.legalBasis) {
      const line = `- ${legalRefText(ref)}`;
      if (!lines.includes(line)) lines.push(line);
    }
  } else {
    for (const g of aspect.groups) lines.push(...(aspect.emphasis ? emphasisLines(p, g, aspect.emphasis) : groupLines(p, g)));
  }
  if (present.length === 0) {
    lines.push(`Phần này ${UNKNOWN}.`);
    return [...lines, `Bản chính thức: Cổng Dịch vụ công quốc gia ${options.portalUrl}.`].join('\n');
  }
  if (!legalOnly) lines.push(`Căn cứ: ${legalBasisLine(p, present)}.`);
  const notes = present.flatMap((g) => (g === 'fees' ? [] : p[g]?.note ? [p[g]!.note!] : []));
  lines.push(...notes, disclaimer(p, present, options.portalUrl));
  const text = lines.join('\n');
  const budget = CARD_MAX_CHARS - (options.reserve ?? 0);
  return text.length <= budget ? text : text.slice(0, budget - 1) + '…';
}

/**
 * A group led by the part asked about: who pays nothing (saying so when the rule names no
 * one), or the online portals (saying when none is verified, then the other channels).
 */
function emphasisLines(p: Procedure, g: FactGroupName, emphasis: 'exemptions' | 'online'): string[] {
  if (emphasis === 'exemptions' && g === 'fees' && p.fees) {
    return [
      p.fees.exemptions ? `Được miễn, giảm: ${p.fees.exemptions}` : 'Các văn bản em có không nêu trường hợp được miễn, giảm riêng cho thủ tục này.',
      `Mức thu chung: ${p.fees.text}`,
      ...(p.fees.note ? [p.fees.note] : []),
    ];
  }
  if (emphasis === 'online' && g === 'submission' && p.submission) {
    const online = p.submission.channels.filter((c) => c.kind === 'truc-tuyen');
    const other = p.submission.channels.filter((c) => c.kind !== 'truc-tuyen');
    return [
      ...(online.length > 0
        ? ['Nộp trực tuyến:', ...online.map((c) => `- ${c.text}${c.url ? `: ${c.url}` : ''}`)]
        : ['Em chưa có thông tin đã kiểm chứng về nộp trực tuyến thủ tục này.']),
      ...(other.length > 0 ? [`Ngoài ra: ${other.map((c) => `${CHANNEL_LABELS[c.kind].toLowerCase()} (${c.text})`).join('; ')}.`] : []),
    ];
  }
  return groupLines(p, g);
}

function groupLines(p: Procedure, g: FactGroupName): string[] {
  switch (g) {
    case 'agency':
      return [`Cơ quan giải quyết: ${p.agency.text}.`];
    case 'documents':
      return p.documents ? p.documents.items.map((d) => documentLine(d, true)) : [];
    case 'steps':
      return p.steps ? p.steps.items.map((s, i) => `${i + 1}. ${s}`) : [];
    case 'processingTime':
      return p.processingTime ? [p.processingTime.text] : [];
    case 'fees':
      return p.fees ? [feeText(p)] : [];
    case 'submission':
      return p.submission ? p.submission.channels.map((c) => `- ${CHANNEL_LABELS[c.kind]}: ${c.text}${c.url ? ` (${c.url})` : ''}`) : [];
    case 'applicants':
      return p.applicants ? [p.applicants.text] : [];
    case 'result':
      return p.result ? [`Kết quả: ${p.result.text}`] : [];
  }
}

/** "Dạ, các thủ tục lĩnh vực Hộ tịch em có hướng dẫn:" (the procedures follow as buttons). */
export function renderFieldList(field: string, procedures: readonly Procedure[], portalUrl: string): string {
  return [
    `Dạ, các thủ tục lĩnh vực ${field} em có hướng dẫn (${procedures.length} thủ tục). Anh/chị chọn một thủ tục để xem cách làm, giấy tờ, thời hạn và lệ phí:`,
    ...(procedures.length > 6 ? procedures.slice(6).map((p) => `- ${p.name}`) : []),
    `Danh mục đầy đủ: Cổng Dịch vụ công quốc gia ${portalUrl}.`,
  ].join('\n');
}
