/**
 * The staff desk and its pieces on an in-memory SQLite: the no-reply timeout message with the
 * hotline (once, on a fake clock), delivery followed through the outbox, masking, similarity,
 * retention, and the admin API off (404) without ADMIN_TOKEN.
 */
import { describe, expect, test } from 'vitest';
import express from 'express';
import { openDatabase } from '../../src/storage/database.ts';
import { HandoffRepository } from '../../src/handlers/handoff-requests.ts';
import { TicketStore } from '../../src/staff/tickets.ts';
import { StaffDesk } from '../../src/staff/desk.ts';
import { maskPersonalNumbers } from '../../src/staff/privacy.ts';
import { similarity, topicTerms } from '../../src/staff/similarity.ts';
import { AnswerLog, FeedbackStore, outcomeOf } from '../../src/staff/answer-log.ts';
import { createAdminRouter } from '../../src/http/admin.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { OutgoingMessage } from '../../src/core/messages.ts';

function setup(now: { t: number }, timeoutMinutes = 30) {
  const db = openDatabase(':memory:');
  const repo = new HandoffRepository(db);
  const tickets = new TicketStore(db);
  const desk = new StaffDesk({
    db,
    tickets,
    logger: silentLogger,
    officialChannel: { officeHours: 'Thứ Hai–Thứ Sáu', hotline: '0204 3854 000', portalUrl: 'https://dichvucong.gov.vn' },
    replyTimeoutMs: timeoutMinutes * 60_000,
    now: () => now.t,
  });
  const sent: Array<{ userId: string; messages: OutgoingMessage[] }> = [];
  let nextId = 1;
  desk.register('zalo-oa', (userId, messages) => {
    sent.push({ userId, messages });
    return messages.map(() => {
      const id = nextId++;
      db.prepare("INSERT INTO zalo_outbox (id, channel, user_id, payload_json, next_attempt_at, created_at) VALUES (?, 'zalo-oa', ?, '{}', 0, 0)").run(id, userId);
      return id;
    });
  });
  return { db, repo, tickets, desk, sent };
}

describe('no staff reply in time', () => {
  test('the user gets the hotline once; a ticket answered in time gets nothing', async () => {
    const now = { t: Date.parse('2026-12-01T08:00:00Z') };
    const { repo, desk, sent, tickets } = setup(now);
    const late = repo.record({ channel: 'zalo-oa', userId: 'u-late', text: 'gặp cán bộ', recent: [] }, now.t);
    const answered = repo.record({ channel: 'zalo-oa', userId: 'u-ok', text: 'gặp cán bộ', recent: [] }, now.t);
    expect(repo.record({ channel: 'zalo-oa', userId: 'u-late', text: 'gặp cán bộ lần nữa', recent: [] }, now.t)).toBe(late);
    now.t += 10 * 60_000;
    desk.reply(answered, 'Lan', 'Chào anh');
    desk.sweep();
    expect(sent.map((s) => s.userId)).toEqual(['u-ok']);
    now.t += 25 * 60_000;
    desk.sweep();
    desk.sweep();
    const notices = sent.filter((s) => s.userId === 'u-late');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.messages[0]).toMatchObject({ type: 'buttons', text: expect.stringContaining('0204 3854 000') });
    expect(tickets.get(late)!.timeoutNotifiedAt).toBe(now.t);
    expect(tickets.get(late)!.status).toBe('open');
  });

  test('timeout 0 never sends the notice', () => {
    const now = { t: 0 };
    const { repo, desk, sent } = setup(now, 0);
    repo.record({ channel: 'zalo-oa', userId: 'u', text: 'x', recent: [] }, 0);
    now.t = 10 * 86_400_000;
    desk.sweep();
    expect(sent).toHaveLength(0);
  });
});

describe('deliveries', () => {
  test('sent when the outbox rows are; a -232 refusal marks the ticket; a channel that is off too', () => {
    const now = { t: 1000 };
    const { db, repo, desk, tickets } = setup(now);
    const a = repo.record({ channel: 'zalo-oa', userId: 'a', text: 'x', recent: [] });
    const b = repo.record({ channel: 'zalo-oa', userId: 'b', text: 'x', recent: [] });
    const c = repo.record({ channel: 'zalo-bot', userId: 'c', text: 'x', recent: [] });
    desk.reply(a, 'Lan', 'một');
    desk.reply(b, 'Lan', 'hai');
    desk.reply(c, 'Lan', 'ba');
    db.prepare("UPDATE zalo_outbox SET status = 'sent' WHERE user_id = 'a'").run();
    db.prepare("UPDATE zalo_outbox SET status = 'failed', last_error = 'error -232: no interaction from the user in the last 7 days' WHERE user_id = 'b'").run();
    desk.followDeliveries();
    expect(tickets.get(a)!.messages.at(-1)).toMatchObject({ from: 'staff', delivery: 'sent' });
    expect(tickets.get(b)!.messages.at(-1)).toMatchObject({ delivery: 'failed' });
    expect(tickets.get(b)!.deliveryProblem).toMatch(/-232/);
    expect(tickets.get(c)!.deliveryProblem).toMatch(/zalo-bot đang tắt/);
    expect(tickets.get(a)!.deliveryProblem).toBeUndefined();
  });

  test('claim and close are refused on a closed ticket; retention removes old closed tickets only', () => {
    const now = { t: 1000 };
    const { repo, desk, tickets } = setup(now);
    const id = repo.record({ channel: 'web', userId: 'w', text: 'x', recent: [] }, 1000);
    const open = repo.record({ channel: 'web', userId: 'w2', text: 'x', recent: [] }, 1000);
    expect(desk.close(id, 'Lan').ok).toBe(true);
    expect(desk.claim(id, 'Lan')).toMatchObject({ ok: false, status: 409 });
    expect(desk.reply(id, 'Lan', 'muộn')).toMatchObject({ ok: false, status: 409 });
    expect(desk.claim(999, 'Lan')).toMatchObject({ ok: false, status: 404 });
    expect(tickets.webMessagesFor('w', 0)).toEqual([expect.objectContaining({ from: 'system' })]);
    expect(tickets.prune(5000)).toBeGreaterThan(0);
    expect(tickets.get(id)).toBeUndefined();
    expect(tickets.get(open)).toBeDefined();
  });
});

describe('privacy, similarity, outcomes', () => {
  test.each([
    ['SĐT 0912 345 678 ạ', 'SĐT *******678 ạ'],
    ['gọi +84912345678', 'gọi ********678'],
    ['CCCD 001203004567', 'CCCD *********567'],
    ['Năm 2024 đạt 90%, giai đoạn 2021-2025', 'Năm 2024 đạt 90%, giai đoạn 2021-2025'],
  ])('%s', (text, masked) => {
    expect(maskPersonalNumbers(text)).toBe(masked);
  });

  test('paraphrases are close, other topics are not', () => {
    const analyze = (t: string) => t.split(/\s+/);
    const a = topicTerms('Lịch tiếp công dân của chủ tịch xã vào ngày nào?', analyze);
    expect(similarity(a, topicTerms('lich tiep cong dan cua chu tich xa la ngay nao', analyze))).toBeGreaterThan(0.8);
    expect(similarity(a, topicTerms('Thủ tục đăng ký khai sinh cần giấy tờ gì?', analyze))).toBeLessThan(0.3);
  });

  test.each([
    [{ intent: 'plan_question', sources: [{ doc: 'd', title: 't', section: 's', date: '1' }], text: 'Dạ, theo …' }, 'answered'],
    [{ intent: 'plan_question', sources: [], text: 'Dạ, em chưa tìm thấy thông tin này' }, 'not_found'],
    [{ intent: 'out_of_scope', sources: [], text: 'Dạ, em chỉ hỗ trợ…' }, 'declined'],
    [{ intent: 'handoff', sources: [], text: 'Dạ, em đã ghi nhận' }, 'handoff'],
    [{ intent: 'greeting', sources: [], text: 'Dạ, em chào' }, 'other'],
  ])('outcome of %o is %s', (r, outcome) => {
    expect(outcomeOf({ messages: [{ type: 'text', text: r.text }], intent: r.intent, sources: r.sources, confidence: 1 })).toBe(outcome);
  });

  test('feedback is stored only for the user who got the answer, a second rating replaces the first', () => {
    const db = openDatabase(':memory:');
    const log = new AnswerLog(db);
    const feedback = new FeedbackStore(db, log);
    log.record({ id: 'm-1', channel: 'web', userId: 'u', question: 'q', answer: 'a', intent: 'plan_question', confidence: 0.9, sources: [], outcome: 'answered', latencyMs: 5, createdAt: 10 });
    expect(feedback.record({ messageId: 'm-1', userId: 'x', rating: 'up' })).toBeUndefined();
    feedback.record({ messageId: 'm-1', userId: 'u', rating: 'up' }, 20);
    feedback.record({ messageId: 'm-1', userId: 'u', rating: 'down', comment: 'sai' }, 30);
    expect(feedback.since(0)).toEqual([expect.objectContaining({ rating: 'down', comment: 'sai', question: 'q', intent: 'plan_question', confidence: 0.9 })]);
    expect(feedback.prune(31) + log.prune(31)).toBe(2);
  });
});

test('the admin API is off (404, says why) while ADMIN_TOKEN is unset', async () => {
  const app = express().use(createAdminRouter({ handoffs: () => undefined }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const { port } = server.address() as { port: number };
  try {
    for (const path of ['/api/admin/handoffs', '/api/admin/stats', '/api/admin/answers']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/ADMIN_TOKEN/);
    }
  } finally {
    server.close();
  }
});
