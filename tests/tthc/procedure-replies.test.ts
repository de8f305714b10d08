/**
 * Citizens' procedure questions through the real dialogue: one aspect asked gets that aspect
 * (not the card), general online-service questions get the plans' cited answer, and a
 * procedure the catalog lacks gets the honest "chưa có hướng dẫn" with the official channel.
 * Questions written for these tests.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replyText, type Reply } from '../../src/core/messages.ts';
import type { Assistant } from '../../src/app.ts';
import { CARD_MAX_CHARS } from '../../src/tthc/render.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

let assistant: Assistant;
let n = 0;
beforeAll(async () => {
  assistant = await testAssistant();
});
afterAll(() => assistant?.close());

const ask = (text: string): Promise<Reply> =>
  assistant.dialogue.handle({ type: 'text', channel: 'web', userId: `tthc-replies-${n++}`, text, receivedAt: Date.now() });
const buttonsOf = (reply: Reply) => reply.messages.flatMap((m) => (m.type === 'buttons' ? m.buttons : []));

describe('one aspect asked → that aspect, with the card source and a link', () => {
  test.each([
    ['làm lý lịch tư pháp tốn bao nhiêu tiền', 'ly-lich-tu-phap', ['200.000']],
    ['ket hon xong duoc cap nhung giay gi a', 'ket-hon', ['Giấy chứng nhận kết hôn']],
    ['lam khai sinh cho be xong thi nhan duoc giay gi', 'khai-sinh', ['Giấy khai sinh', 'bản sao']],
    ['phiếu lý lịch tư pháp có mấy loại', 'ly-lich-tu-phap', ['số 1', 'số 2']],
    ['dang ky thuong tru lam online tren trang nao', 'dang-ky-thuong-tru', ['dichvucong.bocongan.gov.vn', 'dichvucong.dancuquocgia.gov.vn', 'Bộ Công an']],
    ['người già xin lý lịch tư pháp có phải nộp phí không', 'ly-lich-tu-phap', ['người cao tuổi']],
    ['đăng ký kết hôn mất bao lâu thì có giấy', 'ket-hon', ['05 ngày làm việc']],
  ] as const)('"%s"', async (q, code, must) => {
    const reply = await ask(q);
    const text = replyText(reply);
    expect(reply.intent).toBe('procedure_question');
    for (const m of must) expect(text).toContain(m);
    expect(text).not.toContain('Các bước:');
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(reply.sources.map((s) => s.doc)).toContain(`tthc:${code}`);
    const buttons = buttonsOf(reply);
    expect(buttons.some((b) => b.kind === 'url')).toBe(true);
    expect(buttons.some((b) => b.kind === 'postback' && b.payload === `#tthc:${code}`)).toBe(true);
  });

  test('the card still answers a question naming only the procedure, with "Xem thêm" for what it shortened', async () => {
    const reply = await ask('đăng ký thường trú');
    const text = replyText(reply);
    expect(text).toContain('Các bước');
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(buttonsOf(reply).some((b) => b.title.startsWith('Xem thêm'))).toBe(true);
  });
});

describe('general online-service questions → the plans', () => {
  test.each([
    'đoàn viên thanh niên có đi hướng dẫn dân nộp hồ sơ trực tuyến không',
    'mặt trận tổ quốc xã có tham gia hướng dẫn người dân làm thủ tục online không',
    'nộp hồ sơ xong có nhận kết quả qua bưu điện được không',
    // Colloquial "trả phí/nộp tiền qua mạng" is the plans' "thanh toán trực tuyến".
    'xã vận động dân trả tiền thủ tục qua mạng, tỉnh có chủ trương gì',
    // Asking what a plan sets (a year), though it says "cấp phép": not a procedure request.
    'từ năm nào thì không cấp phép cột ăng ten cồng kềnh nữa',
  ])('"%s" gets a cited plan answer, not "chưa có hướng dẫn"', async (q) => {
    const reply = await ask(q);
    const text = replyText(reply);
    expect(text).not.toContain('chưa có hướng dẫn');
    expect(reply.sources.length).toBeGreaterThan(0);
    expect(reply.sources.every((s) => !s.doc.startsWith('tthc:'))).toBe(true);
    expect(text).toContain('Nguồn:');
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
  });
});

describe('a procedure the catalog lacks → honest reply with the official channel', () => {
  test.each([
    'thủ tục đổi tên cho con',
    'cấp sổ đỏ lần đầu cần giấy tờ gì',
    'xin giấy phép xây dựng nhà ở',
    'thủ tục ly hôn thuận tình',
    'đăng ký hộ kinh doanh cá thể cần gì',
  ])('"%s"', async (q) => {
    const reply = await ask(q);
    const text = replyText(reply);
    expect(reply.intent).toBe('procedure_question');
    expect(text).toContain('chưa có hướng dẫn');
    expect(text).toContain('dichvucong.gov.vn');
    expect(text).toContain('Bộ phận một cửa');
    expect(text).not.toMatch(/huyện/iu);
    expect(reply.sources.some((s) => s.doc.startsWith('tthc:'))).toBe(false);
  });
});
