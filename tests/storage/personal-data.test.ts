/**
 * Personal data (issue 12, item 4): masking in the conversation log, a retention job over
 * every table with user text (a new table must be classified), secure_delete (no copy left in
 * the file), and "xoá dữ liệu của tôi" through the real dialogue.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { maskPersonalData, NON_USER_TABLES, PersonalData, USER_TEXT_TABLES } from '../../src/storage/personal-data.ts';
import { forgetMeRequest } from '../../src/handlers/forget-me.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

const CCCD = '001203004567';
const DAY = 86_400_000;

describe('masking', () => {
  test.each([
    [`Số CCCD của tôi là ${CCCD}`, 'Số CCCD của tôi là [CCCD]'],
    ['CMND 123456789 nhé', 'CMND [CCCD] nhé'],
    ['gọi 0912 345 678 hoặc +84912345678', 'gọi [SĐT] hoặc [SĐT]'],
    ['mail an.nguyen@bacgiang.gov.vn', 'mail [email]'],
    ['Kế hoạch 2024 có 45 nhiệm vụ, kinh phí 12.500 triệu', 'Kế hoạch 2024 có 45 nhiệm vụ, kinh phí 12.500 triệu'],
  ])('%s', (input, expected) => expect(maskPersonalData(input)).toBe(expected));
});

describe('retention over every table', () => {
  test('every table is classified as holding user data or not (a new table must be added to one list)', () => {
    const db = openDatabase(':memory:');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]).sort();
    expect(tables).toEqual([...USER_TEXT_TABLES, ...NON_USER_TABLES].sort());
    db.close();
  });

  test('old rows go from each user table; answered inbox rows are masked; with secure_delete the file keeps no copy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-retention-'));
    const file = join(dir, 'assistant.db');
    const db = openDatabase(file);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    const now = 1_800_000_000_000;
    const old = now - 100 * DAY;
    const text = `CCCD ${CCCD}`;
    db.prepare("INSERT INTO messages (channel, user_id, direction, text, created_at) VALUES ('web', 'u', 'in', ?, ?)").run(text, old);
    db.prepare("INSERT INTO conversation_state (channel, user_id, state_json, updated_at) VALUES ('web', 'u', ?, ?)").run(JSON.stringify({ lastQuery: text }), old);
    db.prepare("INSERT INTO handoff_requests (channel, user_id, text, recent_json, created_at) VALUES ('web', 'u', ?, '[]', ?)").run(text, old);
    db.prepare("INSERT INTO zalo_inbox (channel, event_key, user_id, message_json, status, received_at) VALUES ('zalo-oa', 'k1', 'u', ?, 'done', ?)").run(JSON.stringify({ type: 'text', text }), now - 2 * DAY);
    db.prepare("INSERT INTO quiz_practice (channel, user_id, state_json, updated_at) VALUES ('web', 'u', ?, ?)").run(text, old);
    db.prepare("INSERT INTO quiz_web_inbox (user_id, payload_json, created_at) VALUES ('u', ?, ?)").run(text, old);
    const report = new PersonalData(db).retain(90, now);
    expect(report.deleted).toMatchObject({ messages: 1, conversation_state: 1, handoff_requests: 1, quiz_practice: 1, quiz_web_inbox: 1 });
    expect(report.masked.zalo_inbox).toBe(1);
    expect(db.prepare('SELECT message_json FROM zalo_inbox').pluck().get()).not.toContain(CCCD);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(readFileSync(file).includes(Buffer.from(CCCD))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('"xoá dữ liệu của tôi"', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    assistant = await testAssistant();
  });
  afterAll(() => assistant?.close());
  const say = (userId: string, text: string) => assistant.dialogue.handle({ type: 'text', channel: 'web', userId, text, receivedAt: Date.now() });
  const rows = (table: string, userId: string) => assistant.db.prepare(`SELECT count(*) FROM ${table} WHERE user_id = ?`).pluck().get(userId) as number;

  test.each([['xoá dữ liệu của tôi', 'request'], ['xoa du lieu cua toi', 'request'], ['Xóa toàn bộ thông tin cá nhân của tôi giúp em', 'request'], ['ĐỒNG Ý XOÁ', 'confirm'], ['dong y xoa', 'confirm'], ['xoá dữ liệu số là gì', undefined]])(
    'forgetMeRequest(%j) = %s',
    (text, kind) => expect(forgetMeRequest(text)).toBe(kind),
  );

  test('the request asks for confirmation; the confirmation deletes conversation, state and quiz identity', async () => {
    const user = 'forget-1';
    await say(user, `Số điện thoại của tôi 0912345678, CCCD ${CCCD}`);
    await say(user, 'thi thử kinh tế số 3 câu');
    expect(rows('messages', user)).toBeGreaterThan(0);
    // Stored masked, not raw.
    expect(assistant.db.prepare('SELECT group_concat(text) FROM messages WHERE user_id = ?').pluck().get(user)).not.toContain(CCCD);
    const asked = await say(user, 'xoá dữ liệu của tôi');
    expect(asked.intent).toBe('forget_me');
    expect(asked.messages[0]!.type === 'text' && asked.messages[0]!.text).toContain('ĐỒNG Ý XOÁ');
    const done = await say(user, 'ĐỒNG Ý XOÁ');
    expect(done.intent).toBe('forget_me_done');
    await new Promise((ok) => setImmediate(ok));
    await new Promise((ok) => setTimeout(ok, 5));
    for (const table of ['messages', 'conversation_state', 'quiz_practice', 'quiz_seen', 'handoff_requests']) expect(rows(table, user), table).toBe(0);
  });

  test('a learner in a trainer session is anonymised there', async () => {
    const session = assistant.quiz.engine.create({ topic: null, questionCount: 1, secondsPerQuestion: 30, scoring: { speedWeighted: true, streakBonus: false } });
    assistant.quiz.engine.join(session.code, { channel: 'web', userId: 'forget-2', name: 'Nguyễn Văn Bí Mật' });
    await say('forget-2', 'ĐỒNG Ý XOÁ');
    await new Promise((ok) => setTimeout(ok, 5));
    const names = assistant.db.prepare('SELECT name FROM quiz_participants WHERE session_id = ?').pluck().all(session.id) as string[];
    expect(names.join()).not.toContain('Bí Mật');
    expect(rows('quiz_participants', 'forget-2')).toBe(0);
  });
});
