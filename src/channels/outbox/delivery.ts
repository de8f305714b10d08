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
 * What the outbox does with a failed send:
 * - `retry`: network, rate limit (-32), 5xx, a token being renewed — backoff, bounded attempts;
 * - `park`: waiting for an operator or for time — the OA token is dead (-216/-220 and the
 *   refresh refused or missing) or the quota is exhausted (-211). Parked replies spend no
 *   attempts and are resent when a new token is stored or the quota resets;
 * - `permanent`: bad request, user blocked or unreachable, outside the 7-day window — recorded once.
 */
export type DeliveryOutcome = 'retry' | 'park' | 'permanent';
export type ParkReason = 'token' | 'quota';

export class DeliveryError extends Error {
  readonly outcome: DeliveryOutcome;
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string | number,
    opts: { park?: ParkReason; unknownCode?: boolean } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
    this.park = opts.park;
    this.unknownCode = opts.unknownCode ?? false;
    this.outcome = opts.park ? 'park' : retryable ? 'retry' : 'permanent';
  }
  /** Why the reply is parked (outcome `park`). */
  readonly park?: ParkReason;
  /** A code Zalo's documentation does not list: retried a bounded number of times, loudly. */
  readonly unknownCode: boolean;
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
