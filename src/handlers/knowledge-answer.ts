/**
 * Questions about the plans (and, until the procedure catalog lands, procedures): a grounded
 * extract with its source, or an honest "not found" with suggestions and the official channel.
 */
import { buttonsMessage, type Handler, type TurnContext } from '../core/dialogue.ts';
import type { Button, Reply } from '../core/messages.ts';
import { composeAnswer } from '../answer/compose-answer.ts';
import { askButtonTitle } from './menu.ts';

export function knowledgeAnswer(intent: string): Handler {
  return (ctx): Reply => {
    const { kb, config } = ctx.services;
    // "Who leads X?" is about one task: never answer it with a list of its neighbours.
    const answer = composeAnswer(ctx.hits, kb.keywords(ctx.text), {
      ...config.answer,
      allowList: intent !== 'lead_question',
      termsOf: (text) => kb.termsOf(text),
    });
    if (!answer.found) return notFound(ctx, intent, answer.confidence);
    const messages: Reply['messages'] = [{ type: 'text', text: answer.text }];
    if (intent === 'procedure_question') messages.push(onlineServiceMessage(ctx));
    return { messages, intent, sources: answer.sources, confidence: answer.confidence };
  };
}

/** Where to do a procedure online: the official portals from configuration. */
function onlineServiceMessage(ctx: TurnContext): Reply['messages'][number] {
  const { portalUrl, provincePortalUrl } = ctx.services.config.officialChannel;
  return buttonsMessage(
    `Để nộp hồ sơ, tra cứu thủ tục và thanh toán trực tuyến, anh/chị dùng Cổng Dịch vụ công quốc gia (${portalUrl}) hoặc Cổng Dịch vụ công tỉnh (${provincePortalUrl}); cần hỗ trợ trực tiếp, anh/chị đến Bộ phận một cửa nơi gần nhất ạ.`,
    [
      { kind: 'url', title: 'Cổng Dịch vụ công quốc gia', url: portalUrl },
      { kind: 'url', title: 'Cổng Dịch vụ công tỉnh', url: provincePortalUrl },
    ],
    false,
  );
}

/**
 * Says plainly that the documents do not answer, offers the nearest topics as questions
 * (from the best hits' headings) and points to the official channel.
 */
export function notFound(ctx: TurnContext, intent: string, confidence: number): Reply {
  const { officialChannel } = ctx.services.config;
  const seen = new Set<string>();
  const suggestions: Button[] = [];
  for (const hit of ctx.hits) {
    const heading = hit.chunk.sectionPath.at(-1);
    if (!heading || heading === 'Thông tin văn bản') continue;
    const topic = heading.replace(/^[\p{L}\dIVX]{1,5}[.)-]\s*/u, '').trim();
    if (topic.length < 6 || seen.has(topic)) continue;
    seen.add(topic);
    const question = `${topic} (${hit.doc.shortName})`;
    suggestions.push({ kind: 'postback', title: askButtonTitle(question), payload: `#ask:${topic} ${hit.doc.shortName}` });
    if (suggestions.length === 3) break;
  }
  const lines = [
    'Dạ, em chưa tìm thấy thông tin này trong các văn bản em đang có (các kế hoạch, nghị quyết, đề án về chuyển đổi số của tỉnh Bắc Giang), nên em không dám trả lời để tránh sai sót ạ.',
  ];
  if (suggestions.length > 0) lines.push('Có thể anh/chị quan tâm đến các nội dung sau:');
  const tail = `Anh/chị cũng có thể hỏi lại với từ khóa cụ thể hơn, hoặc liên hệ Bộ phận một cửa nơi gần nhất, Cổng Dịch vụ công: ${officialChannel.portalUrl}${officialChannel.hotline ? `, đường dây nóng ${officialChannel.hotline}` : ''}.`;
  const messages = [buttonsMessage(lines.join('\n'), suggestions), { type: 'text' as const, text: tail }];
  return { messages, intent, sources: [], confidence };
}
