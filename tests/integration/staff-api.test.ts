/**
 * The staff side over HTTP, end to end on the real server and SQLite file: a web chat handoff
 * (silent while open, the staff reply and the closing notice through GET /api/chat/inbox, the
 * assistant back after close), messageId and feedback, the offer to talk to staff after two
 * "chưa tìm thấy", the unanswered queue grouped by similarity, curated answers (used for a
 * paraphrase in the next turn, withdrawn, exported and imported), figures and their CSV.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startServer, type RunningServer } from '../helpers/start-server.ts';

vi.setConfig({ testTimeout: 60_000 });

const ADMIN_TOKEN = 'admin-token-web-0123456789';
const STAFF = 'Trần Văn Minh';
const ANSWERED = 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?';
const UNKNOWN = 'Lịch tiếp công dân của chủ tịch xã Hương Mai vào ngày nào?';
const UNKNOWN_PARAPHRASE = 'lich tiep cong dan cua chu tich xa Huong Mai la ngay nao vay';
const ROBOT = ['Ngân sách dành cho robot tự hành dưới nước là bao nhiêu?', 'ngan sach danh cho robot tu hanh duoi nuoc bao nhieu'];

let server: RunningServer;
let curatedDir: string;

beforeAll(async () => {
  curatedDir = mkdtempSync(join(tmpdir(), 'bg-curated-'));
  server = await startServer({ seedDataDir: inject('indexDataDir'), env: {
      ADMIN_TOKEN,
      CURATED_DIR: curatedDir,
      HOTLINE: '0204 3854 000',
      RATE_LIMIT_PER_MINUTE: '0',
      // 6 s: the other tickets here get their staff reply (or are closed) well before.
      HANDOFF_REPLY_TIMEOUT_MINUTES: '0.1',
    },
  });
});
afterAll(async () => {
  await server?.stop();
  rmSync(curatedDir, { recursive: true, force: true });
});

interface ChatReply {
  replies: Array<{ text: string; buttons: Array<{ title: string; payload: string }> }>;
  intent: string;
  sources: Array<{ doc: string; title: string; date: string }>;
  confidence: number;
  messageId?: string;
  askFeedback?: boolean;
}

async function chat(userId: string, text: string): Promise<ChatReply> {
  const res = await fetch(`${server.baseUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, text }) });
  expect(res.status).toBe(200);
  return (await res.json()) as ChatReply;
}

async function admin<T>(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-staff-name': encodeURIComponent(STAFF), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function inbox(userId: string, after = 0) {
  const res = await fetch(`${server.baseUrl}/api/chat/inbox?userId=${encodeURIComponent(userId)}&after=${after}`);
  return (await res.json()) as { handoff: { id: number; status: string } | null; messages: Array<{ id: number; from: string; text: string; staff?: string }> };
}

const text = (r: ChatReply) => r.replies.map((x) => x.text).join('\n');

describe('web chat handoff', () => {
  test('silent while open, staff reply and closing notice in the inbox, the assistant back after close', async () => {
    const user = 'web-citizen-1';
    await chat(user, ANSWERED);
    const ack = await chat(user, 'cho tôi gặp cán bộ');
    expect(ack.intent).toBe('handoff');
    expect(text(ack)).toMatch(/yêu cầu số \d+/);
    const silent = await chat(user, 'Tôi muốn hỏi về hồ sơ đất đai, CCCD 001203004567');
    expect(silent).toMatchObject({ replies: [], intent: 'handoff_open' });
    const { handoff } = await inbox(user);
    expect(handoff?.status).toBe('open');

    const list = await admin<{ handoffs: Array<{ id: number; userId: string; channel: string; status: string; createdAt: string; messages: Array<{ from: string; text: string }> }> }>(
      '/api/admin/handoffs?status=open',
    );
    const ticket = list.body.handoffs.find((h) => h.userId === user)!;
    expect(ticket).toMatchObject({ channel: 'web', status: 'open', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(ticket.messages.map((m) => m.from)).toEqual(['user', 'assistant', 'user', 'user']);
    expect(ticket.messages.at(-1)!.text).toContain('*********567');
    expect(ticket.messages.at(-1)!.text).not.toContain('001203004567');

    await admin(`/api/admin/handoffs/${ticket.id}/reply`, 'POST', { text: 'Chào anh, anh mang CCCD đến bộ phận một cửa nhé.' });
    const afterReply = await inbox(user);
    // (On a very slow machine the no-reply notice may come first: only staff replies are counted.)
    expect(afterReply.messages.filter((m) => m.from === 'staff')).toEqual([expect.objectContaining({ staff: STAFF, text: 'Chào anh, anh mang CCCD đến bộ phận một cửa nhé.' })]);
    const last = afterReply.messages.at(-1)!.id;
    expect((await inbox(user, last)).messages).toEqual([]); // exactly once for a client that keeps its place
    expect((await chat(user, 'Cảm ơn cán bộ')).replies).toEqual([]);

    await admin(`/api/admin/handoffs/${ticket.id}/close`, 'POST');
    const closed = await inbox(user, last);
    expect(closed.handoff).toBeNull();
    expect(closed.messages.at(-1)).toMatchObject({ from: 'system', text: expect.stringContaining('tiếp tục trả lời') });
    const back = await chat(user, ANSWERED);
    expect(text(back)).toContain('90%');
  });

  test('no staff reply in time: the user is told so once, with the hotline; the request stays open', async () => {
    const user = 'web-citizen-waiting';
    await chat(user, 'gặp cán bộ');
    let box = await inbox(user);
    for (let i = 0; i < 600 && box.messages.length === 0; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      box = await inbox(user);
    }
    expect(box.messages).toEqual([expect.objectContaining({ from: 'system', text: expect.stringContaining('0204 3854 000') })]);
    expect(box.messages[0]!.text).toContain('chưa có cán bộ nào trả lời');
    expect(box.handoff?.status).toBe('open');
    await new Promise((ok) => setTimeout(ok, 1500));
    expect((await inbox(user, box.messages[0]!.id)).messages).toEqual([]);
  });

  test('"quay lại trợ lý" closes the request from the user side', async () => {
    const user = 'web-citizen-cancel';
    await chat(user, 'gặp cán bộ');
    expect((await chat(user, 'quay lại trợ lý')).intent).toBe('handoff_closed');
    expect(text(await chat(user, ANSWERED))).toContain('90%');
  });
});

describe('feedback', () => {
  test('every reply carries a messageId; feedback is stored for the user who got the answer', async () => {
    const reply = await chat('web-fb', ANSWERED);
    expect(reply.messageId).toMatch(/^m-/);
    expect(reply.askFeedback).toBe(true);
    expect(reply.replies.length).toBeGreaterThan(0);
    const greeting = await chat('web-fb', 'xin chào');
    expect(greeting.askFeedback).toBe(false);
    const post = (body: unknown) => fetch(`${server.baseUrl}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ userId: 'web-fb', messageId: reply.messageId, rating: 'down', comment: 'Thiếu số liệu năm 2025' })).status).toBe(200);
    expect((await post({ userId: 'someone-else', messageId: reply.messageId, rating: 'up' })).status).toBe(404);
    expect((await post({ userId: 'web-fb', messageId: reply.messageId, rating: 'meh' })).status).toBe(400);
    // The 👎 answer joins the unanswered queue.
    const queue = await admin<{ groups: Array<{ question: string; reasons: Record<string, number> }> }>('/api/admin/unanswered');
    expect(queue.body.groups.find((g) => g.question === ANSWERED)?.reasons).toEqual({ rated_down: 1 });
  });
});

describe('unanswered queue and curated answers', () => {
  test('two "chưa tìm thấy" in a row offer the staff as a button', async () => {
    const first = await chat('web-nf', ROBOT[0]!);
    expect(text(first)).toMatch(/chưa tìm thấy/);
    expect(first.replies.flatMap((r) => r.buttons).some((b) => b.payload === '#menu:handoff')).toBe(false);
    const second = await chat('web-nf', UNKNOWN);
    expect(second.replies.flatMap((r) => r.buttons)).toContainEqual({ title: 'Gặp cán bộ', payload: '#menu:handoff' });
  });

  test('similar questions are grouped with counts and the latest date', async () => {
    await chat('web-q1', ROBOT[1]!);
    await chat('web-q2', ROBOT[0]!);
    const { body } = await admin<{ groups: Array<{ question: string; variants: string[]; count: number; latestAt: string; reasons: Record<string, number> }> }>('/api/admin/unanswered');
    const robot = body.groups.find((g) => /robot/.test(g.question))!;
    expect(robot.count).toBe(3);
    expect(robot.reasons.not_found).toBe(3);
    expect(Date.parse(robot.latestAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.groups.filter((g) => /robot/.test(g.question))).toHaveLength(1);
    expect(body.groups.some((g) => g.question === UNKNOWN)).toBe(true);
  });

  test('a curated answer is used for a paraphrase at once, withdrawn at once, exported and imported', async () => {
    const created = await admin<{ answer: { id: string } }>('/api/admin/answers', 'POST', {
      questions: [UNKNOWN],
      answer: 'Dạ, Chủ tịch UBND xã tiếp công dân định kỳ vào sáng thứ Năm hằng tuần tại trụ sở UBND xã.',
      source: 'Cán bộ Văn phòng UBND xã trả lời ngày 02/12/2026',
    });
    expect(created.status).toBe(201);
    const reply = await chat('web-cur', UNKNOWN_PARAPHRASE);
    expect(reply.intent).toBe('curated');
    expect(text(reply)).toContain('sáng thứ Năm');
    expect(text(reply)).toMatch(/Nguồn: Cán bộ Văn phòng UBND xã trả lời ngày 02\/12\/2026 \(cập nhật ngày \d\d\/\d\d\/\d{4}\)/);
    expect(reply.sources[0]).toMatchObject({ doc: `curated:${created.body.answer.id}` });
    // An unrelated question is not captured by it.
    expect(text(await chat('web-cur', ANSWERED))).toContain('90%');

    const edited = await admin(`/api/admin/answers/${created.body.answer.id}`, 'PUT', { answer: 'Dạ, lịch tiếp công dân: sáng thứ Ba hằng tuần.' });
    expect(edited.status).toBe(200);
    expect(text(await chat('web-cur', UNKNOWN))).toContain('sáng thứ Ba');

    const exported = await admin<{ file: string; count: number }>('/api/admin/answers/export', 'POST');
    expect(exported.body.count).toBe(1);
    const yaml = readFileSync(join(curatedDir, 'answers.yaml'), 'utf8');
    expect(yaml).toContain('sáng thứ Ba');

    expect((await admin(`/api/admin/answers/${created.body.answer.id}`, 'DELETE')).status).toBe(200);
    expect((await chat('web-cur', UNKNOWN)).intent).not.toBe('curated');
    expect((await admin<{ answers: unknown[] }>('/api/admin/answers')).body.answers).toHaveLength(0);

    // Reviewed in the file, then imported: active again with the reviewed wording.
    writeFileSync(join(curatedDir, 'answers.yaml'), yaml.replace('sáng thứ Ba', 'sáng thứ Tư'), 'utf8');
    const imported = await admin<{ created: number; updated: number; problems: string[] }>('/api/admin/answers/import', 'POST');
    expect(imported.body).toEqual({ created: 0, updated: 1, problems: [] });
    expect(text(await chat('web-cur', UNKNOWN_PARAPHRASE))).toContain('sáng thứ Tư');
  });
});

describe('figures', () => {
  test('stats as JSON and as CSV with a BOM', async () => {
    const { status, body } = await admin<{
      totals: { messages: number; answered: number; notFound: number; handedOff: number };
      feedback: { up: number; down: number; downRate: number };
      latencyMs: { p50: number; p95: number };
      topIntents: Array<{ intent: string; count: number }>;
      tickets: { open: number; closed: number; firstReplyMs: { count: number } };
      days: Array<{ day: string; channel: string; messages: number }>;
    }>('/api/admin/stats');
    expect(status).toBe(200);
    expect(body.totals.messages).toBeGreaterThan(10);
    expect(body.totals.answered).toBeGreaterThan(2);
    expect(body.totals.notFound).toBeGreaterThan(2);
    expect(body.totals.handedOff).toBeGreaterThan(0);
    expect(body.feedback.down).toBeGreaterThan(0);
    expect(body.latencyMs.p95).toBeGreaterThanOrEqual(body.latencyMs.p50);
    expect(body.topIntents.length).toBeGreaterThan(0);
    expect(body.tickets.closed).toBeGreaterThan(0);
    expect(body.days[0]).toMatchObject({ channel: 'web' });

    const res = await fetch(`${server.baseUrl}/api/admin/stats?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv).toContain('ngay,kenh,tin_nhan,da_tra_loi,chua_tim_thay,tu_choi,chuyen_can_bo,thich,khong_thich');
    expect(csv).toMatch(/\d{4}-\d\d-\d\d,web,\d+/);
  });

  test('the admin API refuses a missing or wrong token', async () => {
    expect((await fetch(`${server.baseUrl}/api/admin/stats`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/admin/unanswered`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });
});
