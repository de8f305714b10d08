/** The per-user limit: N messages a minute, one polite notice, then silence until the window moves. */
import { expect, test } from 'vitest';
import { RateLimiter, rateLimitedReply } from '../../src/http/rate-limit.ts';

test('allows N a minute per user, tells once, then stays quiet until the minute has passed', () => {
  const limiter = new RateLimiter(3);
  const t0 = 1_000_000;
  expect([0, 1, 2].map((i) => limiter.hit('zalo-oa:u1', t0 + i))).toEqual(['ok', 'ok', 'ok']);
  expect(limiter.hit('zalo-oa:u1', t0 + 10)).toBe('limited');
  expect(limiter.hit('zalo-oa:u1', t0 + 20)).toBe('silenced');
  expect(limiter.hit('zalo-oa:u2', t0 + 20)).toBe('ok');
  expect(limiter.hit('zalo-oa:u1', t0 + 60_001)).toBe('ok');
});

test('0 turns the limit off; the notice names the limit', () => {
  const limiter = new RateLimiter(0);
  for (let i = 0; i < 100; i++) expect(limiter.hit('u', i)).toBe('ok');
  expect(rateLimitedReply(20).messages[0]!.text).toContain('20 tin nhắn');
});
