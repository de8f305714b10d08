/**
 * Ids and dedupe keys (issue 12, item 7): ids above 2^53 sent as JSON numbers stay exact;
 * Bot updates without message_id/date get distinct keys from what they carry.
 */
import { describe, expect, test } from 'vitest';
import { parseJsonKeepingIds, quoteLongIntegers } from '../../src/channels/json-ids.ts';
import { classifyBotUpdate } from '../../src/channels/zalo-bot/updates.ts';
import { classifyOaEvent } from '../../src/channels/zalo-oa/events.ts';

describe('long integers in webhook JSON', () => {
  test('a numeric sender.id above 2^53 is kept digit for digit', () => {
    const raw = '{"event_name":"user_send_text","sender":{"id":5750000000000000993},"recipient":{"id":579745863508352884},"message":{"text":"hi","msg_id":1234567890123456789012}}';
    expect(String(JSON.parse(raw).sender.id)).not.toBe('5750000000000000993'); // what plain JSON.parse does
    const outcome = classifyOaEvent(parseJsonKeepingIds(raw), 0);
    expect(outcome.kind).toBe('message');
    if (outcome.kind !== 'message') return;
    expect(outcome.message.userId).toBe('5750000000000000993');
    expect(outcome.eventKey).toBe('msg:1234567890123456789012');
  });

  test.each([
    ['{"a":"5750000000000000993"}', '{"a":"5750000000000000993"}'],
    ['{"a":"x\\"5750000000000000993"}', '{"a":"x\\"5750000000000000993"}'],
    ['{"a":-5750000000000000993}', '{"a":"-5750000000000000993"}'],
    ['{"a":123,"b":1.5750000000000000993,"c":1e25}', '{"a":123,"b":1.5750000000000000993,"c":1e25}'],
    ['[12345678901234567,  2]', '["12345678901234567",  2]'],
  ])('quoteLongIntegers(%s)', (input, expected) => {
    expect(quoteLongIntegers(input)).toBe(expected);
    expect(() => JSON.parse(quoteLongIntegers(input))).not.toThrow();
  });
});

describe('Bot updates without message_id or date', () => {
  const update = (text: string, extra: Record<string, unknown> = {}) => ({
    event_name: 'message.text.received',
    message: { from: { id: 'u1', display_name: 'A' }, chat: { id: 'c1', chat_type: 'PRIVATE' }, text, ...extra },
  });
  const key = (body: unknown, at = 1_760_000_000_000) => {
    const o = classifyBotUpdate(body, at);
    return o.kind === 'message' ? o.eventKey : `(${o.kind})`;
  };

  test('two different messages get two keys; the same one sent twice (a retry) the same key', () => {
    expect(key(update('thủ tục khai sinh'))).not.toBe(key(update('lệ phí bao nhiêu')));
    expect(key(update('thủ tục khai sinh'))).toBe(key(update('thủ tục khai sinh'), 1_760_000_000_000 + 10_000));
  });

  test('with a date and no message_id: the date tells two identical texts apart', () => {
    expect(key(update('1', { date: 1 }))).not.toBe(key(update('1', { date: 2 })));
  });

  test('a message_id still decides alone', () => {
    expect(key(update('a', { message_id: 'm1' }))).toBe('msg:m1');
  });
});
