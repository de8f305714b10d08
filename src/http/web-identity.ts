/**
 * Who a web chat request speaks for. The contract (design.md §4) has the client send
 * `userId`; a browser's id used to be a bearer secret (with B's id, A continued B's list).
 * Now the server issues each browser an id in a signed, HTTP-only, SameSite=Lax cookie
 * (`POST /api/session`, which the chat page calls when it loads) and a request carrying a
 * valid cookie speaks for `c:<that id>` whatever `userId` it sends. A
 * client without cookies (scripts, `converse.mjs`, API integrations) keeps the contract: it
 * speaks for the `userId` it sends — a namespace no browser conversation lives in, since ids
 * starting with `c:` are refused from clients. So another client's id can never reach a
 * browser user's conversation, quiz identity or quiz inbox.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';

export const CHAT_COOKIE = 'bg_chat';
/** Conversations of cookie-bearing browsers live under this prefix; clients cannot claim it. */
export const COOKIE_ID_PREFIX = 'c:';
/** What a client is told when its `userId` claims the browsers' reserved prefix. */
export const RESERVED_ID_ERROR = 'userId: ids starting with "c:" are issued by the server (cookie), not chosen by the client';
const MAX_AGE_MS = 400 * 86_400_000;

export interface WebIdentity {
  /**
   * The user id a request speaks for: the cookie's, else the client's own `userId`.
   * Undefined when the client's `userId` claims the reserved prefix.
   */
  resolve(req: Request, clientUserId: string): string | undefined;
  /** Sets the cookie unless the request already carries a valid one; true when it set one. */
  issue(req: Request, res: Response): boolean;
  /** The id a valid cookie carries, if any. */
  fromCookie(req: Request): string | undefined;
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * @example const identity = createWebIdentity(webCookieSecret(config.dataDir));
 */
export function createWebIdentity(secret: Buffer): WebIdentity {
  const sign = (id: string) => createHmac('sha256', secret).update(`bg-chat:${id}`).digest('base64url');
  const fromCookie = (req: Request): string | undefined => {
    const value = readCookie(req, CHAT_COOKIE);
    const m = value && /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m) return undefined;
    const given = Buffer.from(m[2]!);
    const expected = Buffer.from(sign(m[1]!));
    return given.length === expected.length && timingSafeEqual(given, expected) ? m[1] : undefined;
  };
  return {
    fromCookie,
    resolve(req, clientUserId) {
      if (clientUserId.startsWith(COOKIE_ID_PREFIX)) return undefined;
      const id = fromCookie(req);
      return id ? `${COOKIE_ID_PREFIX}${id}` : clientUserId;
    },
    issue(req, res) {
      if (fromCookie(req)) return false;
      const id = randomBytes(18).toString('base64url');
      const secure = req.secure || req.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
      res.cookie(CHAT_COOKIE, `${id}.${sign(id)}`, { httpOnly: true, sameSite: 'lax', path: '/api', secure, maxAge: MAX_AGE_MS });
      return true;
    },
  };
}

/**
 * The key that signs chat cookies: `DATA_DIR/web-cookie.key`, created on first start (0600), so
 * cookies survive restarts. Deleting the file signs everyone out of their web conversations.
 */
export function webCookieSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'web-cookie.key');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, 'hex');
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
