import { describe, expect, test } from 'vitest';
import { missingIn, textGives } from '../../src/answer/attribute-evidence.ts';
import type { Attribute, QuestionFrame } from '../../src/nlu/question-frame.ts';

const frame = (attributes: Attribute[], counted?: string): QuestionFrame => ({ docIds: [], attributes, years: [], agencyIds: [], ...(counted ? { counted } : {}) });

describe('whether a passage gives what was asked', () => {
  test.each([
    ['budget', 'Dự kiến tổng kinh phí: 1.200 triệu đồng.', true],
    ['budget', 'mỗi năm bố trí khoảng 60 tỷ đồng từ ngân sách tỉnh', true],
    ['budget', 'Ưu tiên bố trí ngân sách tỉnh đầu tư hạ tầng.', false],
    ['period', 'Thời gian thực hiện: 2023-2025.', true],
    ['period', 'báo cáo trước ngày 30/11 hằng năm', true],
    ['period', 'Đơn vị chủ trì: Sở TT&TT.', false],
    ['legalBasis', 'Theo Kế hoạch số 324/KH-UBND', true],
    ['legalBasis', 'Nhiệm vụ tiếp tục triển khai', false],
    ['unitPrice', 'Dự kiến tổng kinh phí: 2.070 triệu đồng', false],
  ] as const)('%s in "%s" → %s', (attribute, text, given) => {
    expect(textGives(attribute, text, frame([attribute]))).toBe(given);
  });

  test.each([
    ['cho 18 thiết bị tường lửa', 'thiet bi', true],
    ['100% cán bộ làm công tác thông tin cơ sở', 'can bo', false],
    ['Phòng họp có 150 chỗ ngồi', 'cho ngoi', true],
    ['Tổ triển khai Dự án của Sở', 'thanh vien', false],
  ] as const)('a count in "%s" (%s) → %s', (text, counted, given) => {
    expect(textGives('count', text, frame(['count'], counted))).toBe(given);
  });

  test('only the checked attributes that are missing are reported', () => {
    expect(missingIn('Đơn vị chủ trì: Sở Y tế. Thời gian: 2024.', frame(['lead', 'period', 'budget']))).toEqual(['budget']);
  });
});
