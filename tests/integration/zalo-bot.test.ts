/**
 * The Zalo Bot Platform channel end to end: the real server behind `POST /webhooks/zalo-bot`
 * and a fake Bot API on 127.0.0.1. Secret checked, bare and wrapped updates accepted,
 * "typing…" shown, choices numbered and a typed number mapped back, the webhook set by CLI.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startServer, type RunningServer } from '../helpers/start-server.ts';
import { startFakeZaloBot, type FakeZaloBot } from '../fakes/fake-zalo-bot.ts';
import { waitFor } from '../fakes/http-fake.ts';
import { botTextUpdate, newMsgId } from '../fakes/zalo-events.ts';

// Server start and asynchronous delivery: allow for a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const BOT_TOKEN = '1234567890:bot-token-for-tests';
const SECRET = 'bot-webhook-secret-for-tests';
let fake: FakeZaloBot;
let server: RunningServer;

beforeAll(async () => {
  fake = await startFakeZaloBot({ token: BOT_TOKEN });
  server = await startServer({
    seedDataDir: inject('indexDataDir'),
    env: {
      ZALO_BOT_TOKEN: BOT_TOKEN,
      ZALO_BOT_SECRET_TOKEN: SECRET,
      ZALO_BOT_API_BASE_URL: fake.baseUrl,
      ZALO_SEND_RETRY_BASE_MS: '40',
      ZALO_SEND_RETRY_MAX_MS: '200',
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

async function post(body: unknown, secret: string | null = SECRET) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers['x-bot-api-secret-token'] = secret;
  const res = await fetch(`${server.baseUrl}/webhooks/zalo-bot`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { status?: string; error?: string } };
}

async function say(chatId: string, text: string, wrapped = false): Promise<string> {
  const before = fake.textsFor(chatId).length;
  const res = await post(botTextUpdate({ chatId, text, wrapped }));
  expect(res).toEqual({ status: 200, body: { status: 'accepted' } });
  await waitFor(() => fake.textsFor(chatId).length > before, `reply to "${text}"\n${server.logs().slice(-2000)}`);
  return fake.textsFor(chatId).slice(before).join('\n\n');
}

describe('Bot Platform webhook', () => {
  test('a wrong or missing secret token is refused with 401 and never answered', async () => {
    expect((await post(botTextUpdate({ chatId: 'c-forged', text: 'xin chào' }), 'wrong-secret')).status).toBe(401);
    expect((await post(botTextUpdate({ chatId: 'c-forged', text: 'xin chào' }), null)).status).toBe(401);
    await say('c-forged', 'cảm ơn');
    expect(fake.textsFor('c-forged')).toHaveLength(1);
  });

  test('a bare update is answered, with "typing" shown first', async () => {
    const text = await say('c-bare', 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?');
    expect(text).toContain('90%');
    expect(fake.chatActions).toContainEqual({ chatId: 'c-bare', action: 'typing' });
  });

  test('an update wrapped as {ok, result} is answered the same way', async () => {
    const text = await say('c-wrapped', 'xin chào', true);
    expect(text).toContain('trợ lý ảo');
  });

  test('malformed JSON is 400; a retried update (same message_id) is answered once', async () => {
    expect((await post('{"event_name":')).status).toBe(400);
    const update = botTextUpdate({ chatId: 'c-dup', text: 'xin chào', messageId: newMsgId() });
    expect((await post(update)).body.status).toBe('accepted');
    expect((await post(update)).body.status).toBe('duplicate');
    await waitFor(() => fake.textsFor('c-dup').length === 1, 'first reply');
    await say('c-dup', 'cảm ơn');
    expect(fake.textsFor('c-dup')).toHaveLength(2);
  });

  test('no buttons: choices are numbered, and a typed number picks one', async () => {
    const menu = await say('c-menu', 'xin chào');
    expect(menu).toMatch(/^2\. /m);
    expect(menu).toMatch(/5\. Gặp cán bộ/); // the button the greeting's own text does not list
    const plan = await say('c-menu', '2');
    expect(plan).toContain('Kế hoạch CĐS năm 2024');
    expect(plan).toMatch(/^1\. /m);
    const answer = await say('c-menu', '1');
    expect(answer).toContain('Nguồn');
  });

  test('Bot API errors that can pass (429, 5xx) are retried; the reply goes out once', async () => {
    fake.sendFailures.push({ status: 429 }, { status: 500 });
    const text = await say('c-flaky', 'cảm ơn');
    expect(text.length).toBeGreaterThan(0);
    await say('c-flaky', 'cảm ơn');
    expect(fake.textsFor('c-flaky')).toHaveLength(2);
  });
});

test('npm run zalo-bot:webhook -- --url sets the webhook with the configured secret', async () => {
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/zalo-bot-webhook.ts', '--url', 'https://assistant.example.vn/webhooks/zalo-bot'], {
    env: { ...process.env, ZALO_BOT_TOKEN: BOT_TOKEN, ZALO_BOT_SECRET_TOKEN: SECRET, ZALO_BOT_API_BASE_URL: fake.baseUrl },
  });
  expect(stdout).toContain('https://assistant.example.vn/webhooks/zalo-bot');
  expect(fake.webhooks).toEqual([{ url: 'https://assistant.example.vn/webhooks/zalo-bot', secretToken: SECRET }]);
  expect(stdout).not.toContain(BOT_TOKEN);
});
