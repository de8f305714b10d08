/**
 * How a reply looks on each Zalo channel: OA template buttons (query/url/phone) with the text
 * still readable where buttons are not drawn; the Bot Platform's plain numbered text.
 */
import { describe, expect, test } from 'vitest';
import type { Reply } from '../../src/core/messages.ts';
import { buttonsMessage } from '../../src/core/dialogue.ts';
import { phoneCode, renderOaReply } from '../../src/channels/zalo-oa/render.ts';
import { renderBotReply } from '../../src/channels/zalo-bot/sender.ts';
import { readableText } from '../../src/channels/outbox/readable-text.ts';

const reply = (messages: Reply['messages']): Reply => ({ messages, intent: 'test', sources: [], confidence: 1 });

describe('OA rendering', () => {
  test('postback, link and phone buttons become oa.query.show, oa.open.url and oa.open.phone', () => {
    const [body] = renderOaReply(
      reply([
        {
          type: 'buttons',
          text: 'Dạ, anh/chị chọn:',
          buttons: [
            { kind: 'postback', title: 'Kế hoạch CĐS', payload: '#menu:plan' },
            { kind: 'url', title: 'Cổng DVC', url: 'https://dichvucong.gov.vn' },
            { kind: 'phone', title: 'Gọi hỗ trợ', phone: '0204 3854 000' },
          ],
        },
      ]),
      'u1',
    );
    expect(body).toEqual({
      recipient: { user_id: 'u1' },
      message: {
        // Numbered choices (a typed "1" picks the first), the link and the number written out.
        text: 'Dạ, anh/chị chọn:\n1. Kế hoạch CĐS\nCổng DVC: https://dichvucong.gov.vn\nGọi hỗ trợ: 0204 3854 000',
        attachment: {
          type: 'template',
          payload: {
            buttons: [
              { title: 'Kế hoạch CĐS', type: 'oa.query.show', payload: '#menu:plan' },
              { title: 'Cổng DVC', type: 'oa.open.url', payload: { url: 'https://dichvucong.gov.vn' } },
              { title: 'Gọi hỗ trợ', type: 'oa.open.phone', payload: { phone_code: '842043854000' } },
            ],
          },
        },
      },
    });
  });

  test('a long message is split and only its last part carries the buttons', () => {
    const long = Array.from({ length: 120 }, (_, i) => `Câu ${i} về chuyển đổi số.`).join(' ');
    const bodies = renderOaReply(reply([buttonsMessage(long, [{ kind: 'postback', title: 'Thêm', payload: '#menu:plan' }])]), 'u1');
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b.message.text.length).toBeLessThanOrEqual(2000);
    expect(bodies.slice(0, -1).every((b) => b.message.attachment === undefined)).toBe(true);
    expect(bodies.at(-1)!.message.attachment?.payload.buttons).toHaveLength(1);
  });

  test('each message of a reply is its own OA message, ids kept as strings', () => {
    const bodies = renderOaReply(reply([{ type: 'text', text: 'Một' }, { type: 'text', text: 'Hai' }]), '8123456789012345678');
    expect(bodies.map((b) => [b.recipient.user_id, b.message.text])).toEqual([
      ['8123456789012345678', 'Một'],
      ['8123456789012345678', 'Hai'],
    ]);
  });

  test.each([
    ['0204 3854 000', '842043854000'],
    ['+84 912 345 678', '84912345678'],
    ['1900.1234', '19001234'],
  ])('phone %s → phone_code %s', (phone, code) => {
    expect(phoneCode(phone)).toBe(code);
  });
});

describe('text without buttons', () => {
  test('choices the text already numbers are not repeated; missing ones are added', () => {
    const text = readableText({
      type: 'buttons',
      text: 'Em giúp được:\n1. Thủ tục\n2. Kế hoạch',
      buttons: [
        { kind: 'postback', title: 'Thủ tục', payload: '#menu:tthc' },
        { kind: 'postback', title: 'Kế hoạch', payload: '#menu:plan' },
        { kind: 'postback', title: 'Gặp cán bộ', payload: '#menu:handoff' },
      ],
    });
    expect(text).toBe('Em giúp được:\n1. Thủ tục\n2. Kế hoạch\n3. Gặp cán bộ');
  });

  test('choices listed under their own titles ("A. …") are not numbered again', () => {
    const text = readableText({
      type: 'buttons',
      text: 'Câu 1: …\nA. 443-NQ/TU\nB. 433-NQ/TU',
      buttons: [
        { kind: 'postback', title: 'A', payload: '#quiz:answer:A' },
        { kind: 'postback', title: 'B', payload: '#quiz:answer:B' },
      ],
    });
    expect(text).toBe('Câu 1: …\nA. 443-NQ/TU\nB. 433-NQ/TU');
  });

  test('the Bot Platform gets plain numbered text with links written out, at most 2000 characters a message', () => {
    const bodies = renderBotReply(
      reply([
        buttonsMessage('Dạ, anh/chị chọn:', [{ kind: 'postback', title: 'Kế hoạch CĐS', payload: '#menu:plan' }]),
        buttonsMessage('Nộp hồ sơ trực tuyến:', [{ kind: 'url', title: 'Cổng DVC', url: 'https://dichvucong.gov.vn' }], false),
        { type: 'text', text: 'x '.repeat(1500) },
      ]),
      'chat-1',
    );
    expect(bodies[0]).toEqual({ chat_id: 'chat-1', text: 'Dạ, anh/chị chọn:\n1. Kế hoạch CĐS' });
    expect(bodies[1]!.text).toContain('https://dichvucong.gov.vn');
    expect(bodies.length).toBe(4);
    for (const b of bodies) expect(b.text.length).toBeLessThanOrEqual(2000);
  });
});
