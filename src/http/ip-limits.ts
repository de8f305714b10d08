/**
 * Per-client (IP) limits for HTTP routes: a sliding-window counter, and a lockout that shuts
 * a key out for a while once it has missed too often (wrong quiz codes). Memory is bounded by
 * the keys active in the window. 429 answers carry `Retry-After` in seconds.
 */
import type { Request, Response } from 'express';

export interface WindowLimit {
  /** Events allowed per window and key; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

export class WindowCounter {
  private readonly hits = new Map<string, number[]>();
  private calls = 0;

  constructor(readonly limit: WindowLimit) {}

  /** Counts one event; undefined when allowed, else the ms until one more would be. */
  hit(key: string, now = Date.now()): number | undefined {
    const wait = this.check(key, now);
    if (wait !== undefined) return wait;
    this.add(key, now);
    return undefined;
  }

  /** Like `hit` without counting. */
  check(key: string, now = Date.now()): number | undefined {
    if (this.limit.max <= 0) return undefined;
    const list = this.recent(key, now);
    return list.length < this.limit.max ? undefined : Math.max(1, list[0]! + this.limit.windowMs - now);
  }

  add(key: string, now = Date.now()): void {
    if (this.limit.max <= 0) return;
    if (++this.calls % 1000 === 0) this.sweep(now);
    const list = this.recent(key, now);
    list.push(now);
    // Only the newest `max` matter for the decision.
    if (list.length > this.limit.max) list.splice(0, list.length - this.limit.max);
    this.hits.set(key, list);
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.limit.windowMs;
    return (this.hits.get(key) ?? []).filter((t) => t > since);
  }

  private sweep(now: number): void {
    const since = now - this.limit.windowMs;
    for (const [key, list] of this.hits) if (!list.some((t) => t > since)) this.hits.delete(key);
  }
}

/**
 * Misses (wrong codes) per key; after `max` misses in the window the key is locked out for
 * `lockMs`, whatever it tries.
 */
export class MissLockout {
  private readonly misses: WindowCounter;
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly opts: WindowLimit & { lockMs: number }) {
    this.misses = new WindowCounter(opts);
  }

  /** Ms left of a lockout, or undefined. */
  locked(key: string, now = Date.now()): number | undefined {
    const until = this.lockedUntil.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.lockedUntil.delete(key);
      return undefined;
    }
    return until - now;
  }

  miss(key: string, now = Date.now()): void {
    if (this.opts.max <= 0) return;
    this.misses.add(key, now);
    if (this.misses.check(key, now) !== undefined) {
      this.lockedUntil.set(key, now + this.opts.lockMs);
      if (this.lockedUntil.size > 100_000) for (const [k, t] of this.lockedUntil) if (t <= now) this.lockedUntil.delete(k);
    }
  }
}

/** The client's address: `req.ip` honours TRUST_PROXY (X-Forwarded-For from a trusted proxy only). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Answers 429 with Retry-After (whole seconds, at least 1). */
export function tooMany(res: Response, waitMs: number, error: string): void {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  res.status(429).json({ error });
}
