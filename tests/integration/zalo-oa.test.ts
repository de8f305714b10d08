/**
 * The Zalo OA channel end to end: the real server (child process, real SQLite) receives
 * signed webhooks and answers through a fake Zalo OA on 127.0.0.1 — the right reply out,
 * bad requests refused, retries and echoes ignored, a stale token refreshed, Zalo's
 * failures (-32, 5xx, dropped connections) survived, long replies split, handoffs listed.
 */
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startServer, type RunningServer } from '../helpers/start-server.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../fakes/fake-zalo-oa.ts';
import { waitFor } from '../fakes/http-fake.ts';
import { echoEvent, followEvent, mediaEvent, newMsgId, signedRequest, TEST_APP_ID, textEvent } from '../fakes/zalo-events.ts';

// Two server starts and asynchronous delivery: allow for a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const OA_SECRET = 'oa-secret-key-for-tests';
const APP_SECRET = 'app-secret-for-tests';
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const HOTLINE = '0204 3854 000';
/** Long office hours make the "gặp cán bộ" reply longer than one Zalo message (2000 characters). */
const LONG_OFFICE_HOURS = Array.from(
  { length: 24 },
  (_, i) => `Ngày thứ ${i + 1} trong lịch tiếp công dân mẫu, cán bộ trực từ 7 giờ 30 đến 11 giờ 30 và từ 13 giờ 30 đến 17 giờ.`,
).join(' ');

let fake: FakeZaloOa;
let server: RunningServer;

beforeAll(async () => {
  fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: APP_SECRET, accessTokens: ['access-0'], refreshTokens: ['refresh-0'] });
  server = await startServer({
    seedDataDir: inject('indexDataDir'),
    env: {
      ZALO_APP_ID: TEST_APP_ID,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_OA_ACCESS_TOKEN: 'access-0',
      ZALO_OA_REFRESH_TOKEN: 'refresh-0',
      ZALO_API_BASE_URL: fake.baseUrl,
      ZALO_OAUTH_BASE_URL: fake.baseUrl,
      ZALO_SEND_RETRY_BASE_MS: '40',
      ZALO_SEND_RETRY_MAX_MS: '300',
      ZALO_WEBHOOK_MAX_BYTES: '8192',
      RATE_LIMIT_PER_MINUTE: '6',
      ADMIN_TOKEN,
      HOTLINE,
      OFFICE_HOURS: LONG_OFFICE_HOURS,
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

async function post(event: Record<string, unknown>, headers: Record<string, string> = {}, secret = OA_SECRET) {
  const req = signedRequest(event, secret);
  const res = await fetch(`${server.baseUrl}/webhooks/zalo-oa`, { method: 'POST', headers: { ...req.headers, ...headers }, body: req.body });
  return { status: res.status, body: (await res.json()) as { status?: string; error?: string } };
}

/** Sends a text as a user and waits until `count` more messages reached that user. */
async function ask(userId: string, text: string, count = 1): Promise<string[]> {
  const before = fake.textsFor(userId).length;
  const res = await post(textEvent({ userId, text }));
  expect(res).toEqual({ status: 200, body: { status: 'accepted' } });
  await waitFor(() => fake.textsFor(userId).length >= before + count, `reply to "${text}"\n${server.logs().slice(-2000)}`);
  return fake.textsFor(userId).slice(before);
}

describe('OA webhook in, reply out', () => {
  test('a greeting gets the main menu, with OA template buttons and numbered text', async () => {
    const [text] = await ask('u-hello', 'xin chào');
    expect(text).toContain('trợ lý ảo');
    expect(text).toMatch(/1\. /);
    const message = fake.delivered.find((d) => d.userId === 'u-hello')!;
    expect(message.token).toBe('access-0');
    expect(message.buttons).toEqual(expect.arrayContaining([{ title: 'Kế hoạch CĐS', type: 'oa.query.show', payload: '#menu:plan' }]));
  });

  test('a question about the plans is answered from the documents with its source', async () => {
    const [text] = await ask('u-question', 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?');
    expect(text).toContain('90%');
    expect(text).toContain('Nguồn');
  });

  test('a typed number picks the choice shown last', async () => {
    await ask('u-number', 'xin chào');
    const [text] = await ask('u-number', '2');
    expect(text).toContain('Kế hoạch CĐS năm 2024');
  });

  test('a new follower is welcomed with the main menu', async () => {
    expect((await post(followEvent({ userId: 'u-follow' }))).status).toBe(200);
    await waitFor(() => fake.textsFor('u-follow').length > 0, 'welcome');
    const message = fake.delivered.find((d) => d.userId === 'u-follow')!;
    expect(message.text).toContain('trợ lý ảo');
    expect(message.buttons?.map((b) => b.payload)).toContain('#menu:handoff');
  });

  test('an image or a sticker gets a polite request to type the question', async () => {
    expect((await post(mediaEvent({ userId: 'u-image', kind: 'image' }))).body.status).toBe('accepted');
    expect((await post(mediaEvent({ userId: 'u-image', kind: 'sticker' }))).body.status).toBe('accepted');
    await waitFor(() => fake.textsFor('u-image').length >= 2, 'media replies');
    for (const t of fake.textsFor('u-image')) expect(t).toMatch(/nhắn câu hỏi bằng chữ/);
  });
});

describe('requests Zalo (or someone else) gets wrong', () => {
  test('a bad signature is refused with 401 and never answered', async () => {
    const res = await post(textEvent({ userId: 'u-forged', text: 'xin chào' }), {}, 'not-the-secret');
    expect(res.status).toBe(401);
    const unsigned = await fetch(`${server.baseUrl}/webhooks/zalo-oa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(textEvent({ userId: 'u-forged', text: 'xin chào' })),
    });
    expect(unsigned.status).toBe(401);
    await ask('u-forged', 'cảm ơn'); // a later genuine message is the only one answered
    expect(fake.textsFor('u-forged')).toHaveLength(1);
  });

  test('malformed JSON is 400 and an oversized body 413', async () => {
    const bad = await fetch(`${server.baseUrl}/webhooks/zalo-oa`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event_name": "user_send_text",' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/JSON/);
    const big = await post(textEvent({ userId: 'u-big', text: 'a'.repeat(10_000) }));
    expect(big.status).toBe(413);
  });

  test('an unknown event and the OA\'s own echoes are acknowledged and ignored', async () => {
    const unknown = await post({ app_id: TEST_APP_ID, event_name: 'user_did_something_new', timestamp: String(Date.now()), sender: { id: 'u-echo' } });
    expect(unknown).toEqual({ status: 200, body: { status: 'ignored' } });
    const echo = await post(echoEvent({ userId: 'u-echo', text: 'Dạ, em chào anh/chị!' }));
    expect(echo).toEqual({ status: 200, body: { status: 'ignored' } });
    const seen = await post({ app_id: TEST_APP_ID, event_name: 'user_seen_message', timestamp: String(Date.now()), sender: { id: 'u-echo' }, recipient: { id: 'oa' }, message: { msg_ids: ['1'] } });
    expect(seen.status).toBe(200);
    await ask('u-echo', 'cảm ơn');
    expect(fake.textsFor('u-echo')).toHaveLength(1);
  });

  test('a retried event (same msg_id) is answered once', async () => {
    const event = textEvent({ userId: 'u-dup', text: 'xin chào', msgId: newMsgId() });
    expect((await post(event)).body.status).toBe('accepted');
    await waitFor(() => fake.textsFor('u-dup').length === 1, 'first reply');
    expect((await post(event)).body).toEqual({ status: 'duplicate' });
    expect((await post(event)).body).toEqual({ status: 'duplicate' });
    await ask('u-dup', 'cảm ơn'); // replies keep their order, so a duplicate's reply would be here already
    expect(fake.textsFor('u-dup')).toHaveLength(2);
  });
});

describe('tokens and Zalo failures', () => {
  test('a stale access token is refreshed once, the new pair used, and the reply delivered', async () => {
    fake.expire('access-0');
    await ask('u-stale', 'xin chào');
    const message = fake.delivered.find((d) => d.userId === 'u-stale')!;
    expect(message.token).toBe('access-1');
    expect(fake.tokenCalls).toEqual([{ refreshToken: 'refresh-0', appId: TEST_APP_ID, secretKey: APP_SECRET, grantType: 'refresh_token' }]);
    await ask('u-stale', 'cảm ơn');
    expect(fake.tokenCalls).toHaveLength(1);
  });

  test('rate limiting (-32), 5xx and a dropped connection are retried until the reply goes out, once', async () => {
    const calls = fake.sendCalls();
    fake.sendFailures.push({ json: { error: -32, message: 'Reached limit' } }, { status: 502 }, 'reset', { status: 503 });
    const texts = await ask('u-flaky', 'xin chào');
    expect(texts).toHaveLength(1);
    expect(fake.sendCalls() - calls).toBe(5);
    await ask('u-flaky', 'cảm ơn');
    expect(fake.textsFor('u-flaky')).toHaveLength(2);
  });

  test('a permanent refusal (-213: user does not follow) is not retried; later replies still go out', async () => {
    const calls = fake.sendCalls();
    fake.sendFailures.push({ json: { error: -213, message: 'User has not followed OA' } });
    const res = await post(textEvent({ userId: 'u-gone', text: 'xin chào' }));
    expect(res.body.status).toBe('accepted');
    await ask('u-gone', 'cảm ơn');
    expect(fake.textsFor('u-gone')).toHaveLength(1);
    expect(fake.sendCalls() - calls).toBe(2);
  });
});

describe('conversation', () => {
  test('"gặp cán bộ" is recorded for staff, tells the hours and hotline, split under 2000 characters', async () => {
    const before = fake.textsFor('u-handoff').length;
    // The answer, then "Câu trả lời có hữu ích không?".
    await ask('u-handoff', 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?', 2);
    const texts = await ask('u-handoff', 'tôi muốn gặp cán bộ', 2);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    // Split at a sentence boundary: each part ends a sentence; nothing is lost.
    expect(texts[0]).toMatch(/[.!?]$/);
    const joined = texts.join(' ');
    expect(joined).toContain('Ngày thứ 24');
    expect(joined).toContain(HOTLINE);
    const parts = fake.delivered.filter((d) => d.userId === 'u-handoff').slice(before + 2);
    expect(parts.at(-1)?.buttons).toEqual([{ title: 'Gọi số hỗ trợ', type: 'oa.open.phone', payload: { phone_code: '842043854000' } }]);
    expect(parts[0]?.buttons).toBeUndefined();

    const unauthorised = await fetch(`${server.baseUrl}/api/admin/handoffs`);
    expect(unauthorised.status).toBe(401);
    const wrong = await fetch(`${server.baseUrl}/api/admin/handoffs`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const res = await fetch(`${server.baseUrl}/api/admin/handoffs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const { handoffs } = (await res.json()) as { handoffs: Array<{ channel: string; userId: string; text: string; recent: Array<{ direction: string; text: string }> }> };
    const mine = handoffs.find((h) => h.userId === 'u-handoff');
    expect(mine).toMatchObject({ channel: 'zalo-oa', text: 'tôi muốn gặp cán bộ' });
    expect(mine!.recent.map((r) => r.text)).toContain('Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?');
  });

  test('a user over the rate limit is told once, politely, then not answered until the minute passes', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await post(textEvent({ userId: 'u-flood', text: `cảm ơn ${i}` }));
      accepted.push(res.body.status ?? '');
    }
    expect(accepted.every((s) => s === 'accepted')).toBe(true);
    await waitFor(() => fake.textsFor('u-flood').length >= 7, 'six answers and one notice');
    // A later user is answered, so the flood's queue has been worked through.
    await ask('u-after-flood', 'cảm ơn');
    const texts = fake.textsFor('u-flood');
    expect(texts).toHaveLength(7);
    expect(texts[6]).toMatch(/đợi khoảng một phút/);
  });

  test('the web chat has the same limit and the same polite notice', async () => {
    const replies: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${server.baseUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'web-flood', text: 'cảm ơn' }) });
      // Over the limit an HTTP client gets 429 with Retry-After, and the same polite notice.
      expect(res.status).toBe(i < 6 ? 200 : 429);
      if (i === 6) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      replies.push(((await res.json()) as { replies: Array<{ text: string }> }).replies[0]!.text);
    }
    expect(replies.slice(0, 6).every((t) => !/đợi khoảng một phút/.test(t))).toBe(true);
    expect(replies[6]).toMatch(/đợi khoảng một phút/);
  });
});
