/**
 * A Reply as OA customer-service message bodies: text of at most 2000 characters (longer
 * answers split at sentence or line boundaries), buttons as the OA template on the last
 * part — `oa.query.show` for choices ("#…" payloads come back as typed text), `oa.open.url`
 * for official links, `oa.open.phone` for a hotline — with the text still complete where
 * buttons are not drawn.
 */
import type { Button, Reply } from '../../core/messages.ts';
import { readableText } from '../outbox/readable-text.ts';
import { splitText } from '../outbox/split-text.ts';

export const OA_TEXT_MAX = 2000;
/** Partner documentation shows at most 5 template buttons; the text lists every choice anyway. */
export const OA_MAX_BUTTONS = 5;

export type OaButton =
  | { title: string; type: 'oa.query.show'; payload: string }
  | { title: string; type: 'oa.open.url'; payload: { url: string } }
  | { title: string; type: 'oa.open.phone'; payload: { phone_code: string } };

export interface OaMessageBody {
  recipient: { user_id: string };
  message: { text: string; attachment?: { type: 'template'; payload: { buttons: OaButton[] } } };
}

/** "0204 3xxx" or "+84 204…" → "84204…", the form `oa.open.phone` takes. */
export function phoneCode(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  return digits.startsWith('0') ? `84${digits.slice(1)}` : digits;
}

export function oaButton(b: Button): OaButton {
  const title = b.title.slice(0, 100);
  if (b.kind === 'url') return { title, type: 'oa.open.url', payload: { url: b.url } };
  if (b.kind === 'phone') return { title, type: 'oa.open.phone', payload: { phone_code: phoneCode(b.phone) } };
  const payload = b.payload.startsWith('#') ? b.payload : `#${b.payload}`;
  return { title, type: 'oa.query.show', payload: payload.slice(0, 1000) };
}

/**
 * @example renderOaReply(reply, '2468013579') // [{ recipient: { user_id }, message: { text, attachment? } }, …]
 */
export function renderOaReply(reply: Reply, userId: string): OaMessageBody[] {
  const bodies: OaMessageBody[] = [];
  for (const m of reply.messages) {
    const parts = splitText(readableText(m), OA_TEXT_MAX);
    parts.forEach((text, i) => {
      const body: OaMessageBody = { recipient: { user_id: userId }, message: { text } };
      if (m.type === 'buttons' && i === parts.length - 1) {
        body.message.attachment = { type: 'template', payload: { buttons: m.buttons.slice(0, OA_MAX_BUTTONS).map(oaButton) } };
      }
      bodies.push(body);
    });
  }
  return bodies;
}
