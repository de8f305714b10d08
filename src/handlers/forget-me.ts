/**
 * "Xoá dữ liệu của tôi": a user deletes what the assistant keeps about them, from any channel.
 * The request gets a short list of what will be deleted and asks for "ĐỒNG Ý XOÁ" (typed, so
 * it works where buttons are not drawn); the confirmation deletes their conversation, dialogue
 * state, handoff requests, solo quiz progress and quiz identity (PersonalData.forget). The
 * dialogue records each turn after the steps run, so the deletion runs once more right after
 * this turn is stored: nothing of the conversation, the request included, stays.
 */
import type { Step } from '../core/dialogue.ts';
import type { Logger } from '../core/logger.ts';
import type { PersonalData } from '../storage/personal-data.ts';

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

const REQUEST =
  /^(xin |vui long |hay |lam on |em muon |toi muon |muon )?(xoa|huy|xoa bo) (het |toan bo |tat ca |moi )?(du lieu|thong tin|lich su( tro chuyen| chat)?)( ca nhan)?( cua (toi|em|minh|tui|tao))?( di| giup( em| toi)?| nhe| nha| a)*[ .!?]*$|^(forget me|delete my data)[ .!?]*$/;
const CONFIRM = /^(dong y|xac nhan|dong y xac nhan) xoa( du lieu| het)?( a| nhe)?[ .!]*$|^#forget:confirm$/;

export const FORGET_CONFIRM_WORDS = 'ĐỒNG Ý XOÁ';

/** Whether a message asks to delete the user's data / confirms it (compared without diacritics). */
export function forgetMeRequest(text: string): 'request' | 'confirm' | undefined {
  const t = fold(text);
  if (CONFIRM.test(t)) return 'confirm';
  if (REQUEST.test(t)) return 'request';
  return undefined;
}

/**
 * The pipeline step (placed right after the limits, before any activity such as a running quiz).
 * @example services.early = [forgetMeStep(new PersonalData(db), logger)]
 */
export function forgetMeStep(data: PersonalData, logger: Logger): Step {
  return (turn, next) => {
    if (turn.message.type !== 'text') return next();
    const kind = forgetMeRequest(turn.message.text);
    if (!kind) return next();
    const { channel, userId } = turn.message;
    if (kind === 'request') {
      return {
        messages: [
          {
            type: 'text',
            text:
              'Dạ, anh/chị muốn xoá dữ liệu của mình. Em sẽ xoá: lịch sử trò chuyện, ngữ cảnh cuộc trò chuyện, yêu cầu gặp cán bộ, ' +
              'tiến độ thi thử và tên của anh/chị trong các phiên thi trắc nghiệm. Việc này không hoàn tác được.\n\n' +
              `Để xác nhận, anh/chị nhắn: ${FORGET_CONFIRM_WORDS}`,
          },
        ],
        intent: 'forget_me',
        sources: [],
        confidence: 1,
      };
    }
    const counts = data.forget(channel, userId);
    // The dialogue stores this turn after the steps: delete again once it has.
    setImmediate(() => {
      try {
        data.forget(channel, userId);
      } catch (error) {
        logger.warn('forget-me: second pass failed', { error: error instanceof Error ? error.message : String(error) });
      }
    });
    logger.info(`forget-me: ${channel} user data deleted on request`, counts);
    return {
      messages: [{ type: 'text', text: 'Dạ, em đã xoá dữ liệu của anh/chị: lịch sử trò chuyện, ngữ cảnh, yêu cầu gặp cán bộ, tiến độ thi thử và tên trong các phiên thi. Em cảm ơn anh/chị ạ.' }],
      intent: 'forget_me_done',
      sources: [],
      confidence: 1,
    };
  };
}
