/**
 * The two things a reply needs from the change data: a short "Lưu ý" line under a quoted
 * plan passage that names a unit which has since changed, and an extractive answer to a
 * question about today's situation.
 *
 * Why extractive: the wording comes from `summary` and the act fields of the data, so what the
 * assistant says today is exactly what was checked, with its source and date.
 */
import type { Act, Change } from './schema.ts';
import { containsPhrase, type ChangeSet } from './change-set.ts';

/** A source as answers carry it (the `sources` of the ask contract, plus the URL). */
export interface ChangeSource {
  readonly doc: 'changes';
  readonly title: string;
  readonly section: string;
  readonly date: string;
  readonly url: string;
}

export interface TodayAnswer {
  readonly text: string;
  readonly sources: ChangeSource[];
  /** The changes answered, in order (for logging and the dialogue's frame). */
  readonly changeIds: string[];
}

const ACT_TYPES = ['Nghị quyết', 'Nghị định', 'Quyết định', 'Thông tư', 'Chỉ thị', 'Kế hoạch'];

/** "2025-06-16" → "16/6/2025" (the documents' own style). */
export function displayDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d) < 10 ? `0${Number(d)}` : Number(d)}/${Number(m)}/${y}`;
}

/** The act as a note names it: "Nghị quyết 1658/NQ-UBTVQH15", "Luật Tổ chức … 72/2025/QH15". */
export function actShort(act: Act): string {
  if (act.number === null) return act.short ?? `${act.title}${act.date ? ` ngày ${displayDate(act.date)}` : ''}`;
  if (act.title.startsWith('Luật')) return `${act.title} ${act.number}`;
  const type = ACT_TYPES.find((t) => act.title.startsWith(t));
  return type ? `${type} ${act.number}` : `${act.title} ${act.number}`;
}

/** The act in full for an answer: "Nghị quyết số 1658/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội". */
export function actFull(act: Act): string {
  if (act.number === null) return `${act.title}${act.date ? ` ngày ${displayDate(act.date)}` : ''} (${act.issuer})`;
  const type = act.title.startsWith('Luật') ? act.title : (ACT_TYPES.find((t) => act.title.startsWith(t)) ?? act.title);
  return `${type} số ${act.number}${act.date ? ` ngày ${displayDate(act.date)}` : ''} của ${act.issuer}`;
}

/** The note line of one change. */
export function noteLine(change: Change): string {
  return `Lưu ý: ${change.summary}; căn cứ ${actShort(change.act)}.`;
}

/**
 * One compact "Lưu ý" line for several changes (their `brief`s), for an answer that would
 * outgrow a phone screen with a full line each.
 */
export function compactNote(text: string, changes: ChangeSet): string | undefined {
  const seen = new Set<string>();
  const briefs: string[] = [];
  for (const hit of changes.find(text, 'note')) {
    if (seen.has(hit.change.id)) continue;
    seen.add(hit.change.id);
    briefs.push(hit.change.brief ?? hit.change.summary);
  }
  return briefs.length > 0 ? `Lưu ý (tổ chức đã thay đổi sau khi văn bản ban hành): ${briefs.join('; ')}.` : undefined;
}

/**
 * One short "Lưu ý" line per change that `text` names by a name that no longer holds, in the
 * order the text names them. The quoted text itself is never changed.
 *
 * @example changeNotes('Sở TT&TT chủ trì, phối hợp UBND huyện', changes)
 *   // ['Lưu ý: Sở TT&TT đã hợp nhất … ; căn cứ Nghị định 45/2025/NĐ-CP.',
 *   //  'Lưu ý: từ 01/7/2025 chính quyền địa phương còn hai cấp …']
 */
export function changeNotes(text: string, changes: ChangeSet): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  for (const hit of changes.find(text, 'note')) {
    if (done.has(hit.change.id)) continue;
    done.add(hit.change.id);
    out.push(noteLine(hit.change));
  }
  return out;
}

/**
 * True when the question asks about today's situation (by the vocabulary in the data): an
 * identity word ("còn không", "sáp nhập", "thuộc phường nào", "huyện hay xã") on its own, or a
 * time word ("bây giờ", "hiện nay") when the question is not about the plan ("nhiệm vụ",
 * "chủ trì", "kế hoạch").
 */
export function isTodayQuestion(question: string, changes: ChangeSet): boolean {
  const v = changes.vocabulary;
  if (containsPhrase(question, v.identity)) return true;
  return containsPhrase(question, v.time) && !containsPhrase(question, v.plan);
}

/** The changes to answer: those named, then where a new unit changed again (Bắc Giang → tỉnh Bắc Ninh → TP Bắc Ninh). */
function withFollowUps(named: readonly Change[], changes: ChangeSet): Change[] {
  const out = [...named];
  for (let i = 0; i < out.length && out.length < 4; i++) {
    const c = out[i] as Change;
    for (const u of c.new) {
      if (!u.agency) continue;
      for (const next of changes.changes) {
        if (out.includes(next)) continue;
        if (next.old.some((o) => o.agency === u.agency) && !next.new.some((n) => n.agency === u.agency)) out.push(next);
      }
    }
  }
  return out;
}

function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * Answers a question about today's situation from the change data, or `undefined` when the
 * question is not about the present (a plan question such as "Sở TT&TT chủ trì nhiệm vụ gì?")
 * or names no changed unit.
 *
 * @example answerAboutToday('Xã Hương Mai bây giờ thuộc phường nào?', changes)?.text
 *   // "Dạ, từ 01/7/2025 xã Hương Mai (Việt Yên) cùng … hợp thành phường Tự Lạn, tỉnh Bắc Ninh.
 *   //  Căn cứ: Nghị quyết số 1658/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội. …"
 */
export function answerAboutToday(question: string, changes: ChangeSet): TodayAnswer | undefined {
  if (!isTodayQuestion(question, changes)) return undefined;
  const named: Change[] = [];
  for (const hit of changes.find(question, 'question')) if (!named.includes(hit.change)) named.push(hit.change);
  if (named.length === 0) return undefined;
  const answered = withFollowUps(named.slice(0, 3), changes);
  const paragraphs = answered.map((c, i) => {
    const lead = i === 0 ? 'Dạ, ' : 'Tiếp đó, ';
    const caution = c.sure === 'medium' ? ' Thông tin này cần đối chiếu văn bản gốc.' : '';
    return (
      `${lead}${sentence(c.summary)}${caution}\n` +
      `Căn cứ: ${actFull(c.act)}. Nguồn: ${c.source} (kiểm tra ngày ${displayDate(c.checked)}).`
    );
  });
  const tail = 'Khi cần làm thủ tục, anh/chị liên hệ bộ phận một cửa của UBND xã, phường nơi cư trú ạ.';
  return {
    text: [...paragraphs, tail].join('\n\n'),
    sources: answered.map((c) => ({ doc: 'changes', title: actFull(c.act), section: c.id, date: c.effective, url: c.source })),
    changeIds: answered.map((c) => c.id),
  };
}
