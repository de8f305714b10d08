/**
 * Security headers on every route (issue 12, item 9), and no page in the web folder with an
 * inline script, inline style or event-handler attribute (the CSP would block them).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import { createServer } from '../../src/http/server.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer({ dialogue: () => undefined, logger: createLogger('silent'), messageMaxChars: 1000 }).listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('security headers', () => {
  test.each([['GET', '/'], ['GET', '/trainer.html'], ['GET', '/join.html'], ['GET', '/app.js'], ['GET', '/healthz'], ['POST', '/api/chat'], ['GET', '/nope']])('%s %s', async (method, path) => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: method === 'POST' ? '{' : undefined });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  const publicDir = join(import.meta.dirname, '..', '..', 'src', 'channels', 'web', 'public');
  test.each(readdirSync(publicDir).filter((f) => f.endsWith('.html')))('%s has no inline script, style or handler', (file) => {
    const html = readFileSync(join(publicDir, file), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
