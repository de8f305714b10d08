import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { FrameReader, loadFrameVocabulary } from '../../src/nlu/question-frame.ts';

const vocabulary = loadFrameVocabulary(join(import.meta.dirname, '..', '..', 'knowledge', 'question-frame.yaml'));
// Documents named by a few aliases (the real reader uses sources.yaml through the knowledge base).
const ALIASES: Array<[string, string]> = [['de an 10', '004'], ['nq 433', '003'], ['ke hoach cua so tt&tt', '002'], ['kh cds 2024', '001']];
const reader = new FrameReader(vocabulary, {
  documentsNamedIn: (text) => {
    const folded = ' ' + text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase() + ' ';
    return ALIASES.filter(([alias]) => folded.includes(' ' + alias)).map(([, docId]) => ({ docId }));
  },
});

describe('question frame', () => {
  test.each([
    ['Theo Đề án 10, ai chủ trì và thực hiện giai đoạn nào?', ['004'], ['lead', 'period'], []],
    ['NQ 433 do ai ký, ban hành ngày nào?', ['003'], ['signer', 'issued'], []],
    ['nhiệm vụ này kinh phí bao nhiêu, lấy từ nguồn vốn nào', [], ['budget'], []],
    ['Năm 2024 bố trí bao nhiêu tiền cho việc này?', [], ['budget'], ['2024']],
    ['là nhiệm vụ chuyển tiếp hay mới phát sinh?', [], ['status'], []],
    ['thực hiện theo quyết định nào của UBND tỉnh', [], ['legalBasis'], []],
    ['csdl chan nuoi do so nao chu tri, lam theo kh so may', [], ['lead', 'legalBasis'], []],
    ['Sở Tài chính có trách nhiệm gì trong KH CĐS 2024?', ['001'], ['responsibility'], ['2024']],
    ['thế còn đơn vị phối hợp?', [], ['coordinate'], []],
    ['mỗi máy tính xách tay có giá bao nhiêu?', [], ['unitPrice'], []],
    ['mỗi năm tốn bao nhiêu tiền', [], ['budget'], []],
    ['tỷ lệ bao nhiêu phần trăm chi phí dành cho an toàn thông tin', [], [], []],
  ])('%s', (question, docIds, attributes, years) => {
    const frame = reader.read(question);
    expect(frame.docIds).toEqual(docIds);
    expect(frame.attributes).toEqual(attributes);
    expect(frame.years).toEqual(years);
  });

  test.each([
    ['Tổ triển khai có bao nhiêu thành viên?', 'thanh vien', 'thành viên'],
    ['Phụ lục III nhóm Xã hội số có mấy nhiệm vụ?', 'nhiem vu', 'nhiệm vụ'],
    ['phong hop co bao nhieu cho ngoi', 'cho ngoi', 'cho ngoi'],
  ])('a count: %s', (question, counted, countedText) => {
    const frame = reader.read(question);
    expect(frame.attributes).toContain('count');
    expect(frame.counted).toBe(counted);
    expect(frame.countedText).toBe(countedText);
  });

  test.each([
    'mỗi máy tính giá bao nhiêu',  // "máy" is not "mấy"
    'phiếu số mấy',                // which number, not how many
    'tỷ lệ đạt bao nhiêu?',        // a value
    'chiếm bao nhiêu trong tổng số cột', // a share
  ])('not a count: %s', (question) => {
    expect(reader.read(question).attributes).not.toContain('count');
  });
});
