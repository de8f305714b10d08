/**
 * Handoff with takeover on both Zalo channels, end to end: the real server (child process,
 * real SQLite file) between a fake Zalo OA and a fake Bot Platform. A user asks for staff, the
 * assistant acknowledges once and then stays silent (messages go to the ticket); the staff
 * reply arrives exactly once, marked as from staff — also when the server is killed before it
 * went out; closing returns the user to the assistant, which says so. A reply Zalo refuses
 * outside the consultation window (-230) is marked on the ticket and not retried.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startServer, type RunningServer } from '../helpers/start-server.ts';
import { freshDataDir } from '../helpers/test-assistant.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../fakes/fake-zalo-oa.ts';
import { startFakeZaloBot, type FakeZaloBot } from '../fakes/fake-zalo-bot.ts';
import { waitFor } from '../fakes/http-fake.ts';
import { botTextUpdate, signedRequest, TEST_APP_ID, textEvent } from '../fakes/zalo-events.ts';

vi.setConfig({ testTimeout: 120_000 });

const OA_SECRET = 'oa-secret-key-staff';
const BOT_TOKEN = '99887766:bot-token-staff';
const BOT_SECRET = 'bot-webhook-secret-staff';
const ADMIN_TOKEN = 'admin-token-staff-0123456789';
const STAFF = 'Nguyễn Thị Lan';
const QUESTION = 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?';

let oa: FakeZaloOa;
let bot: FakeZaloBot;
let dataDir: string;
let server: RunningServer;

const env = () => ({
  DATA_DIR: dataDir,
  ZALO_APP_ID: TEST_APP_ID,
  ZALO_OA_SECRET_KEY: OA_SECRET,
  ZALO_OA_ACCESS_TOKEN: 'access-0',
  ZALO_API_BASE_URL: oa.baseUrl,
  ZALO_OAUTH_BASE_URL: oa.baseUrl,
  ZALO_BOT_TOKEN: BOT_TOKEN,
  ZALO_BOT_SECRET_TOKEN: BOT_SECRET,
  ZALO_BOT_API_BASE_URL: bot.baseUrl,
  ZALO_SEND_RETRY_BASE_MS: '40',
  ZALO_SEND_RETRY_MAX_MS: '200',
  ADMIN_TOKEN,
  HOTLINE: '0204 3854 000',
});

beforeAll(async () => {
  oa = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: 'app-secret', accessTokens: ['access-0'] });
  bot = await startFakeZaloBot({ token: BOT_TOKEN });
  dataDir = freshDataDir();
  server = await startServer({ env: env() });
});
afterAll(async () => {
  await server?.stop();
  await oa?.close();
  await bot?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function oaSay(userId: string, text: string): Promise<void> {
  const req = signedRequest(textEvent({ userId, text }), OA_SECRET);
  const res = await fetch(`${server.baseUrl}/webhooks/zalo-oa`, { method: 'POST', headers: req.headers, body: req.body });
  expect(res.status).toBe(200);
}

async function botSay(chatId: string, text: string): Promise<void> {
  const res = await fetch(`${server.baseUrl}/webhooks/zalo-bot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': BOT_SECRET },
    body: JSON.stringify(botTextUpdate({ chatId, text })),
  });
  expect(res.status).toBe(200);
}

interface ApiTicket {
  id: number;
  userId: string;
  channel: string;
  status: string;
  createdAt: string;
  deliveryProblem?: string;
  messages: Array<{ from: string; text: string; delivery?: string; error?: string; staff?: string }>;
}

async function admin<T>(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-staff-name': encodeURIComponent(STAFF), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function ticketOf(channel: string, userId: string): Promise<ApiTicket | undefined> {
  const { body } = await admin<{ handoffs: ApiTicket[] }>('/api/admin/handoffs');
  return body.handoffs.find((h) => h.channel === channel && h.userId === userId && h.status !== 'closed');
}

describe('Zalo OA', () => {
  test('handoff: acknowledged once, silent while open, staff reply delivered once and marked, back after close', async () => {
    const user = 'oa-citizen-1';
    await oaSay(user, QUESTION);
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('Nguồn')), 'the answer');
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('Câu trả lời có hữu ích không?')), 'the feedback prompt');
    const prompt = oa.delivered.find((d) => d.userId === user && d.text.includes('hữu ích'))!;
    expect(prompt.buttons?.map((b) => b.payload)).toEqual([expect.stringMatching(/^#fb:up:m-/), expect.stringMatching(/^#fb:down:m-/)]);
    // The OA client sends a tapped button's payload back as text: 👎 is thanked, with staff offered.
    await oaSay(user, String(prompt.buttons![1]!.payload));
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('cảm ơn anh/chị đã góp ý')), 'thanks for the 👎');
    const { body: queue } = await admin<{ groups: Array<{ question: string; reasons: Record<string, number> }> }>('/api/admin/unanswered');
    expect(queue.groups.find((g) => g.question === QUESTION)?.reasons.rated_down).toBeGreaterThanOrEqual(1);

    await oaSay(user, 'tôi muốn gặp cán bộ');
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('yêu cầu số')), 'the acknowledgement');
    const ack = oa.textsFor(user).find((t) => t.includes('yêu cầu số'))!;
    expect(ack).toContain('Giờ làm việc');
    const before = oa.textsFor(user).length;

    await oaSay(user, 'Hồ sơ của tôi nộp từ tuần trước, số điện thoại 0912345678');
    let ticket: ApiTicket | undefined;
    for (let i = 0; i < 200 && !ticket?.messages.some((m) => m.text.includes('tuần trước')); i++) {
      ticket = await ticketOf('zalo-oa', user);
      await new Promise((ok) => setTimeout(ok, 25));
    }
    expect(ticket?.status).toBe('open');
    // The list masks the phone number; opening the ticket shows it.
    expect(ticket!.messages.find((m) => m.text.includes('tuần trước'))!.text).toContain('*******678');
    expect(ticket!.messages.map((m) => m.text)).toContain(QUESTION);
    const opened = await admin<{ handoff: ApiTicket }>(`/api/admin/handoffs/${ticket!.id}`);
    expect(opened.body.handoff.messages.some((m) => m.text.includes('0912345678'))).toBe(true);
    expect(oa.textsFor(user)).toHaveLength(before); // silent

    expect((await admin<{ handoff: ApiTicket }>(`/api/admin/handoffs/${ticket!.id}/claim`, 'POST')).body.handoff.status).toBe('claimed');
    expect((await admin<{ handoffs: ApiTicket[] }>('/api/admin/handoffs?status=claimed')).body.handoffs.some((h) => h.id === ticket!.id)).toBe(true);
    const replied = await admin<{ handoff: ApiTicket }>(`/api/admin/handoffs/${ticket!.id}/reply`, 'POST', { text: 'Chào anh, hồ sơ đang được xử lý, dự kiến trả kết quả thứ Sáu.' });
    expect(replied.status).toBe(200);
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('dự kiến trả kết quả')), 'the staff reply');
    const staffText = oa.textsFor(user).find((t) => t.includes('dự kiến trả kết quả'))!;
    expect(staffText).toContain(`Cán bộ ${STAFF} trả lời`);

    const closed = await admin<{ handoff: ApiTicket }>(`/api/admin/handoffs/${ticket!.id}/close`, 'POST');
    expect(closed.body.handoff.status).toBe('closed');
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('tiếp tục trả lời')), 'the closing notice');
    expect((await admin(`/api/admin/handoffs/${ticket!.id}/reply`, 'POST', { text: 'muộn' })).status).toBe(409);

    const count = oa.textsFor(user).length;
    await oaSay(user, QUESTION);
    await waitFor(() => oa.textsFor(user).length > count, 'the assistant again');
    expect(oa.textsFor(user)[count]).toContain('Nguồn');
    expect(oa.textsFor(user).filter((t) => t.includes('dự kiến trả kết quả'))).toHaveLength(1);
    const final = await admin<{ handoff: ApiTicket }>(`/api/admin/handoffs/${ticket!.id}`);
    expect(final.body.handoff.messages.find((m) => m.from === 'staff')).toMatchObject({ staff: STAFF, delivery: 'sent' });
    const { body: log } = await admin<{ actions: Array<{ staff: string; action: string; target: string }> }>('/api/admin/actions');
    expect(log.actions.filter((a) => a.target === `handoff:${ticket!.id}`).map((a) => a.action)).toEqual(['open', 'close', 'reply', 'claim', 'open']);
    expect(log.actions.every((a) => a.staff === STAFF)).toBe(true);
  });

  test('a reply Zalo refuses outside the consultation window (-230) is marked on the ticket and not retried', async () => {
    const user = 'oa-citizen-window';
    await oaSay(user, 'gặp cán bộ');
    await waitFor(() => oa.textsFor(user).some((t) => t.includes('yêu cầu số')), 'the acknowledgement');
    const ticket = (await ticketOf('zalo-oa', user))!;
    const calls = oa.sendCalls();
    oa.sendFailures.push({ json: { error: -230, message: 'User has not interacted with the OA in the last 7 days' } });
    await admin(`/api/admin/handoffs/${ticket.id}/reply`, 'POST', { text: 'Chào chị, cán bộ xin trả lời muộn.' });
    let marked: ApiTicket | undefined;
    for (let i = 0; i < 400 && !marked?.deliveryProblem; i++) {
      marked = (await admin<{ handoff: ApiTicket }>(`/api/admin/handoffs/${ticket.id}`)).body.handoff;
      await new Promise((ok) => setTimeout(ok, 25));
    }
    expect(marked!.deliveryProblem).toMatch(/-230/);
    expect(marked!.messages.find((m) => m.from === 'staff')).toMatchObject({ delivery: 'failed', error: expect.stringMatching(/-230/) });
    await new Promise((ok) => setTimeout(ok, 500));
    expect(oa.sendCalls() - calls).toBe(1);
    expect(oa.textsFor(user).some((t) => t.includes('trả lời muộn'))).toBe(false);
  });
});

describe('Zalo Bot Platform', () => {
  test('handoff: silent while open, the staff reply once, numbered feedback after answers, back after close', async () => {
    const chat = 'bot-citizen-1';
    await botSay(chat, QUESTION);
    await waitFor(() => bot.textsFor(chat).some((t) => t.includes('Câu trả lời có hữu ích không?')), 'the numbered feedback prompt');
    const prompt = bot.textsFor(chat).find((t) => t.includes('hữu ích'))!;
    const up = /(\d+)\. 👍 Có/.exec(prompt)![1]!;
    await botSay(chat, up);
    await waitFor(() => bot.textsFor(chat).some((t) => t.includes('cảm ơn anh/chị đã góp ý')), 'thanks for the feedback');

    await botSay(chat, 'cho tôi gặp cán bộ');
    await waitFor(() => bot.textsFor(chat).some((t) => t.includes('yêu cầu số')), 'the acknowledgement');
    const before = bot.textsFor(chat).length;
    await botSay(chat, 'Tôi cần hỏi về giấy khai sinh của con');
    let ticket: ApiTicket | undefined;
    for (let i = 0; i < 200 && !ticket?.messages.some((m) => m.text.includes('khai sinh của con')); i++) {
      ticket = await ticketOf('zalo-bot', chat);
      await new Promise((ok) => setTimeout(ok, 25));
    }
    expect(ticket!.messages.some((m) => m.text.includes('khai sinh của con'))).toBe(true);
    expect(bot.textsFor(chat)).toHaveLength(before);

    await admin(`/api/admin/handoffs/${ticket!.id}/reply`, 'POST', { text: 'Chào anh, anh mang giấy chứng sinh đến UBND xã nhé.' });
    await waitFor(() => bot.textsFor(chat).some((t) => t.includes('giấy chứng sinh')), 'the staff reply');
    await admin(`/api/admin/handoffs/${ticket!.id}/close`, 'POST');
    await waitFor(() => bot.textsFor(chat).some((t) => t.includes('tiếp tục trả lời')), 'the closing notice');
    const count = bot.textsFor(chat).length;
    await botSay(chat, QUESTION);
    await waitFor(() => bot.textsFor(chat).length > count, 'the assistant again');
    expect(bot.textsFor(chat)[count]).toContain('Nguồn');
    expect(bot.textsFor(chat).filter((t) => t.includes('giấy chứng sinh'))).toHaveLength(1);
  });
});

test('a staff reply queued when the server is killed goes out exactly once after the restart', async () => {
  const user = 'oa-citizen-restart';
  await oaSay(user, 'gặp cán bộ');
  await waitFor(() => oa.textsFor(user).some((t) => t.includes('yêu cầu số')), 'the acknowledgement');
  const ticket = (await ticketOf('zalo-oa', user))!;
  for (let i = 0; i < 200; i++) oa.sendFailures.push('hang');
  const calls = oa.sendCalls();
  await admin(`/api/admin/handoffs/${ticket.id}/reply`, 'POST', { text: 'Trả lời trước khi máy chủ khởi động lại.' });
  await waitFor(() => oa.sendCalls() > calls, 'the send in flight');
  await server.kill();
  oa.sendFailures.length = 0;
  server = await startServer({ env: env() });
  await waitFor(() => oa.textsFor(user).some((t) => t.includes('khởi động lại')), `the reply after the restart\n${server.logs().slice(-2000)}`);
  // A barrier: replies keep their order per user, so a duplicate would arrive before the closing notice.
  await admin(`/api/admin/handoffs/${ticket.id}/close`, 'POST');
  await waitFor(() => oa.textsFor(user).some((t) => t.includes('tiếp tục trả lời')), 'the closing notice');
  expect(oa.textsFor(user).filter((t) => t.includes('khởi động lại'))).toHaveLength(1);
});
