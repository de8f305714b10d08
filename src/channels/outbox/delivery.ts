/**
 * What the outbox worker needs from a channel: render a Reply into request bodies, send
 * one body, and optionally show "typing". A failed send says whether a retry can help.
 */
import type { Channel, Reply } from '../../core/messages.ts';

export interface ChannelSender {
  readonly channel: Channel;
  /** The reply as the channel's request bodies, in sending order (stored in the outbox as JSON). */
  render(reply: Reply, userId: string): unknown[];
  /** Sends one rendered body; throws `DeliveryError` (anything else counts as retryable). */
  send(userId: string, payload: unknown): Promise<void>;
  /** Best effort "typing…" while the answer is prepared. */
  typing?(userId: string): Promise<void>;
}

/**
 * A send that failed. `retryable` failures (network, rate limit, 5xx, a token being renewed)
 * are retried with backoff; the others (bad parameter, user unreachable) are recorded once.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string | number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * Exponential backoff with jitter: base·2^(attempt−1), capped, then scaled into [50%, 100%]
 * so many failed sends do not all come back at once.
 * @example backoffDelay(3, { baseMs: 1000, maxMs: 300_000 }) // between 2000 and 4000
 */
export function backoffDelay(attempt: number, policy: { baseMs: number; maxMs: number }, random = Math.random): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + random() / 2));
}
