/**
 * The pieces of the OA webhook: the documented signature (plain SHA-256 of
 * app_id + raw body + timestamp + secret), and what each event becomes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { constantTimeEqual, oaSignature, signatureMatches } from '../../src/channels/zalo-oa/signature.ts';
import { classifyOaEvent } from '../../src/channels/zalo-oa/events.ts';
import { classifyBotUpdate } from '../../src/channels/zalo-bot/updates.ts';
import { botTextUpdate, echoEvent, followEvent, mediaEvent, textEvent } from '../fakes/zalo-events.ts';

describe('signature', () => {
  const raw = '{"event_name":"user_send_text","timestamp":"1700000000000","message":{"text":"Xin chào ạ"}}';
  const expected = createHash('sha256').update('123' + raw + '1700000000000' + 'secret', 'utf8').digest('hex');

  test('is the SHA-256 of app_id + raw body + timestamp + secret, over the exact bytes', () => {
    expect(oaSignature('123', Buffer.from(raw, 'utf8'), '1700000000000', 'secret')).toBe(expected);
  });

  test.each([
    [`mac=${expected}`, true],
    [`mac=${expected.toUpperCase()}`, true],
    [expected, true],
    [`mac=${expected.slice(0, -1)}0`, false],
    ['mac=', false],
    [undefined, false],
  ])('header %s → %s', (header, ok) => {
    expect(signatureMatches(header, expected)).toBe(ok);
  });

  test('re-serialised JSON does not verify (spacing differs from what was signed)', () => {
    const reserialised = JSON.stringify(JSON.parse(raw), null, 1);
    expect(oaSignature('123', Buffer.from(reserialised), '1700000000000', 'secret')).not.toBe(expected);
  });

  test('constant-time equality copes with different lengths and missing values', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual(undefined, 'abc')).toBe(false);
  });
});

describe('OA events', () => {
  test('a text becomes a text message from the sender, keyed on msg_id, ids kept as strings', () => {
    const out = classifyOaEvent(textEvent({ userId: '8123456789012345678', text: 'xin chào', msgId: '9007199254740993123' }), 1);
    expect(out).toEqual({
      kind: 'message',
      eventKey: 'msg:9007199254740993123',
      message: { type: 'text', channel: 'zalo-oa', userId: '8123456789012345678', text: 'xin chào', messageId: '9007199254740993123', receivedAt: 1 },
    });
  });

  test.each([
    ['image', 'image'],
    ['sticker', 'sticker'],
  ] as const)('user_send_%s becomes a %s media message', (kind, mediaKind) => {
    const out = classifyOaEvent(mediaEvent({ userId: 'u1', kind }), 1);
    expect(out.kind === 'message' && out.message).toMatchObject({ type: 'media', mediaKind, userId: 'u1' });
  });

  test('follow becomes a follow of the follower', () => {
    const out = classifyOaEvent(followEvent({ userId: 'u9' }), 1);
    expect(out.kind === 'message' && out.message).toMatchObject({ type: 'follow', userId: 'u9' });
  });

  test.each([
    ['an echo of the OA\'s message', echoEvent({ userId: 'u1', text: 'Dạ' })],
    ['unfollow', { ...followEvent({ userId: 'u1' }), event_name: 'unfollow' }],
    ['a seen receipt', { event_name: 'user_seen_message', sender: { id: 'u1' } }],
    ['an unknown event', { event_name: 'something_new', whatever: 1 }],
    ['user_submit_info', { event_name: 'user_submit_info', sender: { id: 'u1' }, info: { name: 'A', phone: '09' } }],
  ])('%s is ignored', (_name, event) => {
    expect(classifyOaEvent(event, 1).kind).toBe('ignored');
  });

  test.each([
    ['no event_name', { sender: { id: 'u1' } }],
    ['a text without msg_id', { event_name: 'user_send_text', sender: { id: 'u1' }, recipient: { id: 'oa' }, message: { text: 'x' } }],
  ])('%s is reported as invalid', (_name, event) => {
    expect(classifyOaEvent(event, 1).kind).toBe('invalid');
  });
});

describe('Bot Platform updates', () => {
  test.each([false, true])('wrapped=%s: a text update becomes a text message to reply to the chat', (wrapped) => {
    const out = classifyBotUpdate(botTextUpdate({ chatId: 'c1', text: 'xin chào', messageId: 'm1', wrapped }), 1);
    expect(out).toMatchObject({ kind: 'message', eventKey: 'msg:m1', form: wrapped ? 'wrapped' : 'bare', message: { type: 'text', userId: 'c1', text: 'xin chào' } });
  });

  test('a sticker asks to type; a bot\'s own message is ignored', () => {
    const sticker = classifyBotUpdate({ event_name: 'message.sticker.received', message: { from: { id: 'c1' }, chat: { id: 'c1' }, message_id: 'm2' } }, 1);
    expect(sticker.kind === 'message' && sticker.message).toMatchObject({ type: 'media', mediaKind: 'sticker' });
    const own = classifyBotUpdate({ event_name: 'message.text.received', message: { from: { id: 'b', is_bot: true }, chat: { id: 'c1' }, text: 'x', message_id: 'm3' } }, 1);
    expect(own.kind).toBe('ignored');
  });
});
