/**
 * Answers the question frame decides before any passage is ranked: a document's own facts
 * (who signed it, when it was issued), a year no document speaks of, and which records
 * handler a question needs by what it asks (a task's budget is asked of a task, even when
 * the sentence names an agency or a target).
 */
import type { Handler, TurnContext, TurnReply } from '../core/dialogue.ts';
import type { SourceRef } from '../core/messages.ts';
import type { DocumentMeta } from '../kb/types.ts';
import { asks, type Attribute } from '../nlu/question-frame.ts';
import { responsibilityAnswer } from './responsibilities.ts';
import { computedAnswer } from './counts.ts';

/** Attributes of one task (a table row), not of an agency's list. */
export const TASK_ATTRIBUTES: readonly Attribute[] = ['coordinate', 'period', 'budget', 'unitPrice', 'status', 'legalBasis', 'product'];
/** Attributes a target never has (a target has a year; money and status belong to tasks). */
export const NOT_TARGET_ATTRIBUTES: readonly Attribute[] = ['budget', 'unitPrice', 'status', 'legalBasis', 'product'];

/** "Ai ký, ban hành ngày nào?": from the document's metadata. */
export function documentFacts(ctx: TurnContext): TurnReply | undefined {
  const frame = ctx.frame;
  if (!frame || !asks(frame, 'signer', 'issued')) return undefined;
  const named = frame.docIds.map((id) => ctx.services.kb.documents.get(id)).filter((d): d is DocumentMeta => d !== undefined);
  const top = ctx.hits[0]?.doc;
  const docs = named.length > 0 ? named : top ? [top] : [];
  if (docs.length === 0) return undefined;
  const blocks = docs.map((d) => {
    const facts = [
      `${d.title}${d.number && !d.number.startsWith('…') ? ` (số ${d.number})` : d.number ? ` (số hiệu: ${d.number})` : ''}`,
      `• Cơ quan ban hành: ${d.issuer}`,
      `• Người ký: ${d.signer || 'văn bản em có không nêu'}`,
      `• Ngày ban hành: ${d.date}`,
      ...(d.period ? [`• Thời kỳ áp dụng: ${d.period}`] : []),
      ...(d.validity ? [`• Hiệu lực (theo thông tin kiểm tra ngày ${d.validity.checked}): ${d.validity.status}${d.validity.supersededBy ? `; thay thế bởi ${d.validity.supersededBy}` : ''}`] : []),
    ];
    return facts.join('\n');
  });
  const sources: SourceRef[] = docs.map((d) => ({ doc: d.id, title: d.shortName, section: 'Thông tin văn bản (phần đầu và phần ký)', date: d.date }));
  const text = `Dạ, thông tin văn bản:\n${blocks.join('\n\n')}\n\n${sources.map((s) => `Nguồn: ${s.title} (${s.date}), ${s.section}.`).join('\n')}`;
  return { messages: [{ type: 'text', text }], intent: 'plan_question', sources, confidence: 0.95 };
}

/**
 * A year that the named documents (or, none named, all of them) never mention: they set
 * nothing for it. Says so with each document's period, instead of a passage about another year.
 */
export function yearNotCovered(ctx: TurnContext): TurnReply | undefined {
  const frame = ctx.frame;
  if (!frame || frame.years.length === 0) return undefined;
  const { kb } = ctx.services;
  const docIds = frame.docIds.length > 0 ? frame.docIds : [...kb.documents.keys()];
  const absent = frame.years.filter((year) => !kb.chunks.some((c) => docIds.includes(c.docId) && c.text.includes(year)));
  if (absent.length === 0) return undefined;
  const docs = docIds.map((id) => kb.documents.get(id)).filter((d): d is DocumentMeta => d !== undefined);
  const periods = docs.map((d) => `${d.shortName} (${d.date}): thời kỳ ${d.period || 'không ghi'}`).join('; ');
  const which = docs.length === 1 ? docs[0]!.shortName : 'Các văn bản em có';
  const text = `Dạ, ${which} không nêu mục tiêu, nhiệm vụ hay số liệu nào cho năm ${absent.join(', ')}. Thời kỳ áp dụng — ${periods}. Anh/chị có thể hỏi về các năm trong thời kỳ đó, hoặc liên hệ cơ quan chủ trì để biết kế hoạch mới nhất ạ.`;
  const sources: SourceRef[] = docs.map((d) => ({ doc: d.id, title: d.shortName, section: 'Thông tin văn bản', date: d.date }));
  return { messages: [{ type: 'text', text }], intent: 'plan_question', sources, confidence: 0.8 };
}

/**
 * Wraps a plan handler: document facts and uncovered years first; then a question that
 * asks a task's attribute goes to the task lookup (`task`), whatever intent it was given.
 */
export function frameFirst(handler: Handler, task?: { handler: Handler; when: readonly Attribute[] }): Handler {
  return (ctx) => {
    const early = documentFacts(ctx) ?? yearNotCovered(ctx) ?? computedAnswer(ctx) ?? (asks(ctx.frame, 'responsibility') && !asks(ctx.frame, 'lead') ? responsibilityAnswer(ctx) : undefined);
    if (early) return early;
    if (task && asks(ctx.frame, ...task.when)) return task.handler(ctx);
    return handler(ctx);
  };
}
