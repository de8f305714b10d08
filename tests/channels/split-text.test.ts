/**
 * Long answers are split for Zalo (2000 characters a message) at the most natural place:
 * a paragraph, a line, a sentence, a word — never losing or reordering text.
 */
import { describe, expect, test } from 'vitest';
import { splitText } from '../../src/channels/outbox/split-text.ts';

const sentence = (i: number) => `Câu số ${i} nói về chuyển đổi số của tỉnh Bắc Giang.`;
const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('splitText', () => {
  test('a short text stays whole', () => {
    expect(splitText('Dạ, em chào anh/chị!', 2000)).toEqual(['Dạ, em chào anh/chị!']);
  });

  test.each([
    ['sentences', Array.from({ length: 80 }, (_, i) => sentence(i)).join(' ')],
    ['lines', Array.from({ length: 80 }, (_, i) => `• ${sentence(i)}`).join('\n')],
    ['paragraphs', Array.from({ length: 20 }, (_, i) => [sentence(i), sentence(i + 100), sentence(i + 200)].join(' ')).join('\n\n')],
    ['one long word run', 'chuyển đổi số '.repeat(400)],
    ['no spaces at all', 'x'.repeat(4500)],
  ])('%s: every part ≤ 2000 and nothing lost', (_kind, text) => {
    const parts = splitText(text, 2000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.length).toBeGreaterThan(0);
    }
    expect(words(parts.join(' ')).join('')).toBe(words(text).join(''));
  });

  test('sentences are not cut in the middle', () => {
    const parts = splitText(Array.from({ length: 80 }, (_, i) => sentence(i)).join(' '), 2000);
    for (const p of parts) {
      expect(p).toMatch(/^Câu số \d+/);
      expect(p).toMatch(/Bắc Giang\.$/);
    }
  });

  test('a line break is preferred to a sentence end, a blank line to both', () => {
    const text = `${'a'.repeat(1200)}\n\n${'b. '.repeat(200)}\n${'c'.repeat(500)}`;
    const parts = splitText(text, 2000);
    expect(parts[0]).toBe('a'.repeat(1200));
  });

  test('an emoji (surrogate pair) is never split', () => {
    const text = 'a'.repeat(1999) + '😀' + 'b'.repeat(10);
    const parts = splitText(text, 2000);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(p).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});
