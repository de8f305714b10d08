import { describe, expect, test } from 'vitest';
import { canonicalSyllable, foldSyllable, syllablesOf, tonePlacements } from '../../src/model/syllables.ts';

describe('foldSyllable', () => {
  test.each([
    ['Tỷ', 'ty'],
    ['Đạt', 'dat'],
    ['hoà', 'hoa'],
    ['hòa', 'hoa'],
    ['NGHỊ', 'nghi'],
    ['đường', 'duong'],
    ['2024', '2024'],
  ])('%s → %s', (input, expected) => {
    expect(foldSyllable(input)).toBe(expected);
  });
});

describe('tonePlacements', () => {
  test.each([
    ['hoà', ['hòa', 'hoà']],
    ['hòa', ['hòa', 'hoà']],
    ['thuỷ', ['thủy', 'thuỷ']],
    ['khoẻ', ['khỏe', 'khoẻ']],
    ['quý', ['quý']],
    ['hoàn', ['hoàn']],
    ['hoa', ['hoa']],
    ['tuyến', ['tuyến']],
  ])('%s → %j', (input, expected) => {
    expect(tonePlacements(input)).toEqual(expected);
  });

  test('canonical spelling is the old style for both placements', () => {
    expect(canonicalSyllable('hoà')).toBe('hòa');
    expect(canonicalSyllable('hòa')).toBe('hòa');
  });
});

describe('syllablesOf', () => {
  test('lower-cases, splits on anything but letters and digits, drops footnote marks', () => {
    expect(syllablesOf('Tỷ lệ 70%, CNTT&TT ngồi² (CSDL)')).toEqual(['tỷ', 'lệ', '70', 'cntt', 'tt', 'ngồi', 'csdl']);
  });

  test('decomposed (NFD) input gives the same syllables as composed input', () => {
    const text = 'Chuyển đổi số trực tuyến';
    expect(syllablesOf(text.normalize('NFD'))).toEqual(syllablesOf(text));
  });
});
