/**
 * A per-user rate limit (e.g. 20 messages a minute) shared by the web chat and the Zalo
 * channels: it protects the machine and the OA's send quota from a flood. The first
 * message over the limit gets a polite notice; later ones in the same minute are answered
 * the same way on the web (a request needs an answer) and silently dropped on Zalo.
 */
import type { Reply } from '../core/messages.ts';

/** `ok`: answer normally; `limited`: first message over the limit; `silenced`: already told. */
export type RateVerdict = 'ok' | 'limited' | 'silenced';

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly told = new Map<string, number>();
  private sweeps = 0;

  /**
   * @param perMinute messages allowed per window and key; 0 turns the limit off
   * @example const limiter = new RateLimiter(20); limiter.hit('web:u1') // 'ok'
   */
  constructor(
    readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one message of `key` at time `at` (the time it was received) and says what to do. */
  hit(key: string, at = Date.now()): RateVerdict {
    if (this.perMinute <= 0) return 'ok';
    if (++this.sweeps % 1000 === 0) this.sweep(at);
    const since = at - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length < this.perMinute) {
      list.push(at);
      this.hits.set(key, list);
      return 'ok';
    }
    this.hits.set(key, list);
    const toldAt = this.told.get(key);
    if (toldAt !== undefined && toldAt > since) return 'silenced';
    this.told.set(key, at);
    return 'limited';
  }

  /** Forgets keys with no recent message, so memory stays bounded by active users. */
  private sweep(now: number): void {
    const since = now - this.windowMs;
    for (const [key, list] of this.hits) if (!list.some((t) => t > since)) this.hits.delete(key);
    for (const [key, t] of this.told) if (t <= since) this.told.delete(key);
  }
}

/** The polite notice sent to a user over the limit. */
export function rateLimitedReply(perMinute: number): Reply {
  return {
    messages: [
      {
        type: 'text',
        text: `Dạ, anh/chị đã gửi hơn ${perMinute} tin nhắn trong một phút nên em cần tạm dừng một chút. Anh/chị vui lòng đợi khoảng một phút rồi nhắn tiếp giúp em ạ. Em cảm ơn anh/chị!`,
      },
    ],
    intent: 'rate_limited',
    sources: [],
    confidence: 1,
  };
}
