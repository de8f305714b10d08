/**
 * While a user's handoff ticket is open the assistant stays silent: every message goes to
 * the ticket for staff (the opening reply was the one acknowledgement). Asking for staff
 * again repeats the acknowledgement; "quay lại trợ lý" closes the ticket and the assistant
 * answers again.
 */
import { plainReply, type Step } from '../core/dialogue.ts';
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { handoffAck } from '../handlers/conversation-handlers.ts';
import type { StaffDesk } from './desk.ts';

const CANCEL = /^(#handoff:cancel|(quay (lai|ve)|tro lai|tro ve)( voi)? (tro ly|bot|chatbot)( ao)?|huy( yeu cau)?( gap)? can bo|huy yeu cau|khong can gap can bo( nua)?)\b/;
const ASKS_FOR_STAFF = /(gap|noi chuyen voi|lien he|ket noi voi) (can bo|nguoi phu trach|nhan vien)/;

/** The intent a silent turn is logged with. */
export const SILENT_INTENT = 'handoff_open';

export function takeoverStep(desk: StaffDesk): Step {
  return (turn, next, services) => {
    const { message } = turn;
    if (message.channel === 'cli') return next();
    const ticket = desk.tickets.activeFor(message.channel, message.userId);
    if (!ticket) return next();
    const raw = message.type === 'text' ? message.text : message.type === 'media' ? `[${message.mediaKind}]${message.caption ? ' ' + message.caption : ''}` : '[follow]';
    const folded = foldDiacritics(turn.text).toLowerCase().trim();
    if (CANCEL.test(folded)) {
      desk.closeByUser(ticket.id);
      return plainReply(`Dạ, em đã hủy yêu cầu gặp cán bộ số ${ticket.id}. Từ bây giờ em — trợ lý ảo — tiếp tục trả lời anh/chị ạ.`, 'handoff_closed');
    }
    if (message.type === 'follow') return next();
    desk.tickets.addMessage(ticket.id, { author: 'user', text: raw });
    if (turn.text === '#menu:handoff' || ASKS_FOR_STAFF.test(folded)) return handoffAck(services.config.officialChannel, ticket.id);
    return { messages: [], intent: SILENT_INTENT, sources: [], confidence: 1 };
  };
}
