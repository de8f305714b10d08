/**
 * The outermost step of the turn: gives every reply a `messageId`, logs the turn (question,
 * reply, outcome, latency) and adds what follows from it — after an answer on Zalo, "Câu trả
 * lời có hữu ích không?" (buttons on the OA, numbered choices on the Bot Platform); after a
 * second "chưa tìm thấy" in a row, an offer to talk to staff. A feedback payload
 * ("#fb:up:<messageId>", or its number typed) is recorded here.
 */
import type { Button, OutgoingMessage, Reply } from '../core/messages.ts';
import { plainReply, type Step, type TurnReply } from '../core/dialogue.ts';
import { numberedChoices, replyText } from '../core/messages.ts';
import type { Logger } from '../core/logger.ts';
import { AnswerLog, outcomeOf, type FeedbackStore } from './answer-log.ts';

const FEEDBACK_PAYLOAD = /^#fb:(up|down):([\w-]{1,64})$/;

export interface LogStepDeps {
  log: AnswerLog;
  feedback: FeedbackStore;
  logger: Logger;
}

/**
 * Appends a choice message whose numbers continue those of the reply's own choices, so a
 * typed number picks the right one on channels without buttons.
 */
export function withChoices(reply: TurnReply, text: string, buttons: Button[]): TurnReply {
  const before = reply.messages.flatMap((m) => (m.type === 'buttons' ? m.buttons : [])).filter((b) => b.kind === 'postback').length;
  const numbered = numberedChoices(buttons)
    .split('\n')
    .map((line) => line.replace(/^(\d+)\. /, (_, n: string) => `${Number(n) + before}. `))
    .join('\n');
  const message: OutgoingMessage = { type: 'buttons', text: `${text}\n${numbered}`, buttons };
  return { ...reply, messages: [...reply.messages, message] };
}

export function logStep(deps: LogStepDeps): Step {
  return async (turn, next) => {
    const started = performance.now();
    const { message } = turn;
    if (message.channel === 'cli') return next();
    const question = message.type === 'text' ? message.text.replace(/^#ask:/, '') : message.type === 'media' ? `[${message.mediaKind}]` : '[follow]';

    // During a handoff a typed number is for the staff, not an old feedback choice.
    const inHandoff = turn.state.lastIntent === 'handoff' || turn.state.lastIntent === 'handoff_open';
    const number = /^\d{1,2}$/.test(turn.text) && !inHandoff ? turn.state.lastChoices?.[Number(turn.text) - 1] : undefined;
    const feedback = FEEDBACK_PAYLOAD.exec(number ?? turn.text);
    let reply: TurnReply;
    if (feedback) {
      const rating = feedback[1] as 'up' | 'down';
      const stored = deps.feedback.record({ messageId: feedback[2]!, userId: message.userId, rating });
      reply = stored
        ? rating === 'up'
          ? plainReply('Dạ, em cảm ơn anh/chị đã góp ý ạ!', 'feedback')
          : withChoices(
              plainReply('Dạ, em cảm ơn anh/chị đã góp ý, em sẽ chuyển cho cán bộ để hoàn thiện câu trả lời. Anh/chị có thể hỏi lại cụ thể hơn, hoặc gặp cán bộ ạ.', 'feedback'),
              'Anh/chị muốn:',
              [{ kind: 'postback', title: 'Gặp cán bộ', payload: '#menu:handoff' }],
            )
        : plainReply('Dạ, em không tìm thấy câu trả lời anh/chị muốn đánh giá (có thể đã quá lâu) ạ.', 'feedback');
    } else {
      reply = await next();
    }

    const outcome = outcomeOf(reply);
    const id = AnswerLog.newId();
    let shown = reply;
    try {
      if (outcome === 'not_found' && deps.log.lastOutcome(message.channel, message.userId) === 'not_found') {
        shown = withChoices(shown, 'Dạ, em vẫn chưa tìm được câu trả lời. Anh/chị có muốn gặp cán bộ không ạ?', [{ kind: 'postback', title: 'Gặp cán bộ', payload: '#menu:handoff' }]);
      }
      if (outcome === 'answered' && (message.channel === 'zalo-oa' || message.channel === 'zalo-bot')) {
        shown = withChoices(shown, 'Câu trả lời có hữu ích không?', [
          { kind: 'postback', title: '👍 Có', payload: `#fb:up:${id}` },
          { kind: 'postback', title: '👎 Chưa', payload: `#fb:down:${id}` },
        ]);
      }
      deps.log.record({
        id,
        channel: message.channel,
        userId: message.userId,
        question,
        answer: replyText(reply as Reply),
        intent: reply.intent,
        confidence: reply.confidence,
        sources: reply.sources,
        outcome,
        latencyMs: performance.now() - started,
        createdAt: Date.now(),
      });
    } catch (error) {
      deps.logger.warn('answer log: could not record a turn', { error: error instanceof Error ? error.message : String(error) });
    }
    return { ...shown, messageId: id, askFeedback: outcome === 'answered' };
  };
}
