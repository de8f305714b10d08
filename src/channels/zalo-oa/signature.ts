/**
 * The OA webhook signature: header `X-ZEvent-Signature: mac=<hex>` where hex is the plain
 * SHA-256 of `app_id + rawBody + timestamp + secret` (zalo-platform.md §1). Which secret and
 * which timestamp are configurable because sources disagree; on a mismatch the webhook
 * reports which variant would have matched, so the operator can fix the setting.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time, whatever their lengths (both sides are hashed first).
 * @example constantTimeEqual(req.get('x-bot-api-secret-token'), config.zaloBot.secretToken)
 */
export function constantTimeEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** The hex SHA-256 over the exact bytes received: never over re-serialised JSON. */
export function oaSignature(appId: string, rawBody: Buffer, timestamp: string, secret: string): string {
  return createHash('sha256').update(appId, 'utf8').update(rawBody).update(timestamp, 'utf8').update(secret, 'utf8').digest('hex');
}

/** The hex digest from the header value (`mac=<hex>`, or bare hex), lower-cased. */
export function signatureFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim().replace(/^mac\s*=\s*/i, '');
  return value.length > 0 ? value.toLowerCase() : undefined;
}

/** Checks the header against the expected digest in constant time. */
export function signatureMatches(header: string | undefined, expectedHex: string): boolean {
  const given = signatureFromHeader(header);
  if (!given) return false;
  // Byte lengths, not string lengths: 64 non-ASCII characters are 128 UTF-8 bytes and would
  // make timingSafeEqual throw (an unauthenticated 500). A digest is hex, so nothing else matches.
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expectedHex, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
