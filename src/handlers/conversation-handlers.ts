/**
 * Handlers for the turns around a question: menu buttons and question buttons, a request
 * to talk to an official, the quiz entry point, pictures and stickers, a new follower.
 */
import { buttonsMessage, plainReply, type Handler } from '../core/dialogue.ts';
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

export const handoffHandler: Handler = (ctx) => {
  const { officeHours, hotline, portalUrl } = ctx.services.config.officialChannel;
  const contact = hotline ? `số điện thoại hỗ trợ ${hotline}` : `Bộ phận một cửa của UBND xã, phường nơi anh/chị cư trú`;
  return plainReply(
    `Dạ, em đã ghi nhận anh/chị muốn gặp cán bộ. Giờ làm việc: ${officeHours}. Anh/chị có thể liên hệ ${contact}, hoặc gửi phản ánh, kiến nghị qua Cổng Dịch vụ công: ${portalUrl}.`,
    'handoff',
  );
};

export const quizHandler: Handler = (ctx) => {
  const topic = ctx.services.menu.get('quiz');
  return plainReply(topic?.text ?? 'Dạ, phần thi trắc nghiệm đang được hoàn thiện ạ.', 'quiz');
};

export const mediaHandler: Handler = () =>
  plainReply(
    'Dạ, em chưa xem được hình ảnh, nhãn dán hay tệp đính kèm. Anh/chị vui lòng nhắn câu hỏi bằng chữ giúp em nhé, có dấu hay không dấu đều được ạ.',
    'media',
  );

export const followHandler: Handler = (ctx) => {
  const messages = fixedMessages(ctx.services.intents.get('greeting'));
  return { messages, intent: 'greeting', sources: [], confidence: 1 };
};
