/**
 * Handlers for the turns around a question: menu buttons and question buttons, a request
 * to talk to an official, pictures and stickers, a new follower.
 */
import { buttonsMessage, plainReply, type Handler, type TurnContext } from '../core/dialogue.ts';
import type { Reply } from '../core/messages.ts';
import { confidenceOf } from '../answer/compose-answer.ts';
import { fixedMessages } from './fixed-replies.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';
import { askButtonTitle } from './menu.ts';

/** "#menu:<topic>" shows a topic; "#ask:<question>" answers the question as if typed. */
export const payloadHandler: Handler = async (ctx): Promise<Reply> => {
  const [kind, ...rest] = ctx.text.slice(1).split(':');
  const value = rest.join(':').trim();
  if (kind === 'ask' && value) {
    const hits = await ctx.services.kb.search(value, { limit: 8 });
    return knowledgeAnswer('plan_question')({ ...ctx, text: value, hits, retrievalConfidence: confidenceOf(hits) });
  }
  if (kind === 'menu') {
    if (value === 'handoff') return handoffHandler(ctx);
    const topic = ctx.services.menu.get(value);
    if (topic) {
      const buttons = topic.ask.map((q) => ({ kind: 'postback' as const, title: askButtonTitle(q), payload: `#ask:${q}` }));
      return { messages: [buttonsMessage(topic.text, buttons)], intent: 'menu', sources: [], confidence: 1 };
    }
  }
  const help = fixedMessages(ctx.services.intents.get('help'));
  return { messages: help, intent: 'help', sources: [], confidence: 1 };
};

/**
 * "Gặp cán bộ": records the request with the recent conversation for staff
 * (GET /api/admin/handoffs) and gives the office hours and hotline from configuration.
 */
export const handoffHandler: Handler = (ctx) => handoffAck(ctx.services.config.officialChannel, recordHandoff(ctx));

/**
 * The one acknowledgement of a handoff: the request's number, that a staff member answers in
 * this conversation (with a ticket), the office hours, the hotline and the portal.
 */
export function handoffAck(officialChannel: { officeHours: string; hotline: string; portalUrl: string }, number: number | undefined): Reply {
  const { officeHours, hotline, portalUrl } = officialChannel;
  const contact = hotline ? `số điện thoại hỗ trợ ${hotline}` : `Bộ phận một cửa của UBND xã, phường nơi anh/chị cư trú`;
  const takeover = number
    ? ` Cán bộ sẽ trả lời anh/chị ngay trong cuộc trò chuyện này; trong lúc chờ, tin nhắn anh/chị gửi sẽ được chuyển cho cán bộ.`
    : ` Cán bộ sẽ xem lại nội dung anh/chị đã hỏi.`;
  const back = number ? ` Muốn hỏi lại trợ lý ảo, anh/chị nhắn "quay lại trợ lý" ạ.` : '';
  const text = `Dạ, em đã ghi nhận anh/chị muốn gặp cán bộ${number ? ` (yêu cầu số ${number})` : ''}.${takeover} Giờ làm việc: ${officeHours}. Anh/chị có thể liên hệ ${contact}, hoặc gửi phản ánh, kiến nghị qua Cổng Dịch vụ công: ${portalUrl}.${back}`;
  if (!hotline) return plainReply(text, 'handoff');
  return { messages: [buttonsMessage(text, [{ kind: 'phone', title: 'Gọi số hỗ trợ', phone: hotline }], false)], intent: 'handoff', sources: [], confidence: 1 };
}

function recordHandoff(ctx: TurnContext): number | undefined {
  const { handoffs, conversations, logger } = ctx.services;
  if (!handoffs || ctx.message.channel === 'cli') return undefined;
  try {
    const recent = (conversations?.recent(ctx.message.channel, ctx.message.userId, 10) ?? [])
      .reverse()
      .map((m) => ({ direction: m.direction, text: m.text, at: m.createdAt }));
    const text = ctx.message.type === 'text' ? ctx.message.text : '';
    return handoffs.record({ channel: ctx.message.channel, userId: ctx.message.userId, text, recent });
  } catch (error) {
    logger.error('could not record a handoff request', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/**
 * "Còn gì nữa?" after an answer: the next passages for the same question, leaving out those
 * already shown; says so when there is nothing more.
 */
export const moreHandler: Handler = async (ctx): Promise<Reply> => {
  const more = ctx.state.more;
  const nothingMore = plainReply(
    'Dạ, em đã gửi hết các nội dung liên quan em tìm được trong văn bản rồi ạ. Anh/chị có thể hỏi cụ thể hơn, hoặc nhắn "menu" để xem các chủ đề khác.',
    'more',
  );
  if (!more) return nothingMore;
  const hits = (await ctx.services.kb.search(more.query, { limit: 16 })).filter((h) => !more.shown.some((s) => covers(s, h.chunk)));
  if (hits.length === 0) return nothingMore;
  const reply = await knowledgeAnswer(more.intent)({ ...ctx, text: more.query, hits, retrievalConfidence: confidenceOf(hits) });
  return reply.sources.length > 0 ? { ...reply, intent: 'more' } : nothingMore;
};

/** Whether a shown source (document and line range "a-b") already covered this chunk. */
function covers(shown: { doc: string; lines?: string }, chunk: { docId: string; lineStart: number; lineEnd: number }): boolean {
  if (shown.doc !== chunk.docId || !shown.lines) return false;
  const [a, b] = shown.lines.split('-').map(Number);
  if (a === undefined || !Number.isFinite(a)) return false;
  const end = b !== undefined && Number.isFinite(b) ? b : a;
  return chunk.lineStart >= a && chunk.lineEnd <= end;
}

export const mediaHandler: Handler = () =>
  plainReply(
    'Dạ, em chưa xem được hình ảnh, nhãn dán hay tệp đính kèm. Anh/chị vui lòng nhắn câu hỏi bằng chữ giúp em nhé, có dấu hay không dấu đều được ạ.',
    'media',
  );

export const followHandler: Handler = (ctx) => {
  const messages = fixedMessages(ctx.services.intents.get('greeting'));
  return { messages, intent: 'greeting', sources: [], confidence: 1 };
};
