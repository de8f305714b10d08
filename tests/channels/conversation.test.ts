/**
 * The Hương Mai–style conversation on any channel: "còn gì nữa?" continues the last answer
 * with passages not shown yet; "gặp cán bộ" is recorded with the recent conversation and
 * answered with the office hours and hotline from configuration.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Assistant } from '../../src/app.ts';
import type { IncomingMessage } from '../../src/core/messages.ts';
import { replyText } from '../../src/core/messages.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

let assistant: Assistant;
beforeAll(async () => {
  assistant = await testAssistant({ HOTLINE: '0204 3854 000', OFFICE_HOURS: 'Thứ Hai đến Thứ Sáu, 7h30–17h00' });
});
afterAll(() => assistant?.close());

const say = (userId: string, text: string, channel: IncomingMessage['channel'] = 'zalo-bot') =>
  assistant.dialogue.handle({ type: 'text', channel, userId, text, receivedAt: Date.now() });

const key = (s: { doc: string; lines?: string }) => `${s.doc}:${s.lines}`;

describe('"còn gì nữa?"', () => {
  test.each(['còn gì nữa?', 'xem thêm', 'con gi nua khong', 'tiếp theo'])('"%s" continues with passages not shown yet', async (more) => {
    const user = `more-${more}`;
    const first = await say(user, 'Kế hoạch CĐS 2024 có những nhiệm vụ gì về dữ liệu số?');
    expect(first.sources.length).toBeGreaterThan(0);
    const next = await say(user, more);
    expect(next.intent).toBe('more');
    expect(next.sources.length).toBeGreaterThan(0);
    const shown = new Set(first.sources.map(key));
    for (const s of next.sources) expect(shown.has(key(s))).toBe(false);
    expect(replyText(next)).toContain('Nguồn');
    const third = await say(user, more);
    for (const s of third.sources) expect([...shown, ...next.sources.map(key)]).not.toContain(key(s));
  });

  test('with nothing to continue it is not treated as a continuation', async () => {
    await say('more-none', 'xin chào');
    expect((await say('more-none', 'còn gì nữa?')).intent).not.toBe('more');
  });
});

describe('"gặp cán bộ"', () => {
  test('records the request with the recent conversation and tells hours and hotline', async () => {
    await say('handoff-1', 'Tỷ lệ hộ gia đình có Internet cáp quang băng rộng năm 2024?', 'web');
    const reply = await say('handoff-1', 'cho tôi gặp cán bộ', 'web');
    expect(reply.intent).toBe('handoff');
    const text = replyText(reply);
    expect(text).toContain('0204 3854 000');
    expect(text).toContain('Thứ Hai đến Thứ Sáu, 7h30–17h00');
    const [request] = assistant.handoffs.list().filter((h) => h.userId === 'handoff-1');
    expect(request).toMatchObject({ channel: 'web', text: 'cho tôi gặp cán bộ', status: 'open' });
    expect(request!.recent.map((r) => r.direction)).toEqual(['in', 'out']);
    expect(request!.recent[0]!.text).toContain('cáp quang');
    expect(text).toContain(`yêu cầu số ${request!.id}`);
  });

  test('the menu button "Gặp cán bộ" does the same', async () => {
    await say('handoff-2', 'xin chào');
    const reply = await say('handoff-2', '5');
    expect(reply.intent).toBe('handoff');
    expect(assistant.handoffs.list().some((h) => h.userId === 'handoff-2')).toBe(true);
  });
});
