/**
 * The outbound port of the quiz: a trainer session pushes each question, each result and the
 * final ranking to chat participants outside any request they made. One sink per channel:
 *   - web: the page polls GET /api/quiz/inbox (src/storage/quiz-web-inbox.ts);
 *   - zalo-oa / zalo-bot: `main.ts` registers the Zalo runtime's outbox (`runtime.push`) for
 *     each configured channel, so pushed messages are persisted and retried like replies.
 * A channel with no sink gets a warning in the log; its participants can still ask for the
 * open question ("câu hỏi", "thi thử") and answer it.
 */
import type { Channel, OutgoingMessage } from '../core/messages.ts';
import type { Logger } from '../core/logger.ts';

/** Who a pushed message is for: the same pair the dialogue keys conversations on. */
export interface UserRef {
  channel: Channel | string;
  userId: string;
}

/** Delivers messages to one user of one channel; must not throw for a delivery failure (queue and retry instead). */
export type ChannelSink = (userId: string, messages: OutgoingMessage[]) => void;

/** What the sessions need: deliver messages to a user, whichever channel they are on. */
export interface Notifier {
  notify(user: UserRef, messages: OutgoingMessage[]): void;
}

/**
 * Routes `notify` to the sink registered for the user's channel.
 * @example notifier.register('web', (userId, messages) => inbox.push(userId, messages, Date.now()));
 */
export class ChannelNotifier implements Notifier {
  private readonly sinks = new Map<string, ChannelSink>();
  private readonly warned = new Set<string>();

  constructor(private readonly logger?: Logger) {}

  register(channel: Channel | string, sink: ChannelSink): void {
    this.sinks.set(channel, sink);
  }

  has(channel: Channel | string): boolean {
    return this.sinks.has(channel);
  }

  notify(user: UserRef, messages: OutgoingMessage[]): void {
    if (messages.length === 0) return;
    const sink = this.sinks.get(user.channel);
    if (!sink) {
      if (!this.warned.has(user.channel)) {
        this.warned.add(user.channel);
        this.logger?.warn(`Trắc nghiệm: chưa có đường gửi tin chủ động cho kênh ${user.channel} (no outbound sink registered for this channel)`);
      }
      return;
    }
    try {
      sink(user.userId, messages);
    } catch (error) {
      this.logger?.error('quiz notification failed', { channel: user.channel, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
