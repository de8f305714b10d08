/**
 * The text of a message as it must read where buttons are not drawn (the Zalo Bot
 * Platform, some Zalo PC clients): every choice numbered — so a typed "2" picks it, as the
 * dialogue maps a bare number to the n-th choice — and every link or phone number written out.
 */
import type { OutgoingMessage } from '../../core/messages.ts';

/** Adds the numbered lines, links and phone numbers the text does not already show. */
export function readableText(message: OutgoingMessage): string {
  if (message.type !== 'buttons') return message.text;
  const extra: string[] = [];
  let n = 0;
  for (const b of message.buttons) {
    if (b.kind === 'postback') {
      n += 1;
      // Already readable: the text numbers it, or lists it under its own title ("A. …").
      const listed = new RegExp(`(^|\\n)\\s*(${n}|${escapeRegExp(b.title)})[.):]\\s`).test(message.text);
      if (!listed) extra.push(`${n}. ${b.title}`);
    } else if (b.kind === 'url') {
      if (!message.text.includes(b.url)) extra.push(`${b.title}: ${b.url}`);
    } else if (!message.text.replace(/[\s.]/g, '').includes(b.phone.replace(/[\s.]/g, ''))) {
      extra.push(`${b.title}: ${b.phone}`);
    }
  }
  return extra.length === 0 ? message.text : `${message.text}\n${extra.join('\n')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
