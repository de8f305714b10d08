/**
 * The HTTP contract of design.md §4 on the real server code and SQLite file:
 * health, the chat API with good and bad input, and the web chat page.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

let assistant: Assistant;
let server: Server;
let base: string;

beforeAll(async () => {
  assistant = await testAssistant();
  const app = createServer({ dialogue: () => assistant.dialogue, logger: silentLogger, messageMaxChars: 1000 });
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  assistant.close();
});

const postChat = (body: string, contentType = 'application/json') =>
  fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('GET /healthz', () => {
  test('says ok once the index is loaded', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('POST /api/chat', () => {
  test('answers a question with replies, intent, sources and confidence', async () => {
    const res = await postChat(JSON.stringify({ userId: 'u-http-1', text: 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      replies: Array<{ text: string; buttons: unknown[] }>;
      intent: string;
      sources: Array<{ doc: string; section: string; date: string }>;
      confidence: number;
    };
    expect(body.replies[0]?.text).toContain('90%');
    expect(body.intent).not.toBe('out_of_scope');
    expect(body.sources[0]).toMatchObject({ doc: '001', date: '12/2023' });
    expect(body.confidence).toBeGreaterThan(0);
    expect(body.confidence).toBeLessThanOrEqual(1);
  });

  test('a greeting comes with menu buttons', async () => {
    const res = await postChat(JSON.stringify({ userId: 'u-http-2', text: 'xin chào' }));
    const body = (await res.json()) as { replies: Array<{ buttons: Array<{ title: string; payload: string }> }>; intent: string };
    expect(body.intent).toBe('greeting');
    expect(body.replies[0]?.buttons.map((b) => b.payload)).toContain('#menu:tthc');
  });

  test('keeps the conversation in SQLite', async () => {
    await postChat(JSON.stringify({ userId: 'u-http-3', text: 'xin chào' }));
    const stored = assistant.conversations.recent('web', 'u-http-3');
    expect(stored.map((m) => m.direction)).toEqual(['out', 'in']);
    expect(stored[1]?.text).toBe('xin chào');
  });

  test.each([
    ['malformed JSON', '{"userId": "u", "text": ', 'JSON'],
    ['missing userId', JSON.stringify({ text: 'xin chào' }), 'userId'],
    ['text of the wrong type', JSON.stringify({ userId: 'u', text: 42 }), 'text'],
    ['an empty text', JSON.stringify({ userId: 'u', text: '   ' }), 'empty'],
    ['an over-long text', JSON.stringify({ userId: 'u', text: 'a'.repeat(1001) }), 'too long'],
    ['an unknown field', JSON.stringify({ userId: 'u', text: 'hi', admin: true }), 'admin'],
  ])('%s gets 400 with a clear error', async (_label, body, mentions) => {
    const res = await postChat(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string };
    expect(json.error).toContain(mentions);
  });

  test('a huge body gets 413 and the server keeps answering', async () => {
    const res = await postChat(JSON.stringify({ userId: 'u', text: 'x'.repeat(200_000) }));
    expect(res.status).toBe(413);
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
  });
});

describe('GET /', () => {
  test('serves the Vietnamese web chat page', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('lang="vi"');
  });
});
