/**
 * Delivers replies on the Zalo Bot Platform: plain text only (no buttons there), so choices
 * are numbered — a typed number maps back to the choice through the dialogue state — and
 * links are written out; at most 2000 characters a message; "typing…" while answering.
 */
import type { Reply } from '../../core/messages.ts';
import { DeliveryError, type ChannelSender } from '../outbox/delivery.ts';
import { readableText } from '../outbox/readable-text.ts';
import { splitText } from '../outbox/split-text.ts';
import { ZaloBotApiError, type ZaloBotClient } from './bot-client.ts';

export const BOT_TEXT_MAX = 2000;

export interface BotMessageBody {
  chat_id: string;
  text: string;
}

export function renderBotReply(reply: Reply, chatId: string): BotMessageBody[] {
  return reply.messages.flatMap((m) => splitText(readableText(m), BOT_TEXT_MAX).map((text) => ({ chat_id: chatId, text })));
}

export class ZaloBotSender implements ChannelSender {
  readonly channel = 'zalo-bot' as const;

  constructor(private readonly client: ZaloBotClient) {}

  render(reply: Reply, chatId: string): unknown[] {
    return renderBotReply(reply, chatId);
  }

  async send(_chatId: string, payload: unknown): Promise<void> {
    const body = payload as BotMessageBody;
    try {
      await this.client.sendMessage(body.chat_id, body.text);
    } catch (error) {
      if (error instanceof ZaloBotApiError) throw new DeliveryError(error.message, error.retryable, error.errorCode);
      throw new DeliveryError(error instanceof Error ? error.message : String(error), true);
    }
  }

  async typing(chatId: string): Promise<void> {
    await this.client.sendChatAction(chatId, 'typing');
  }
}
