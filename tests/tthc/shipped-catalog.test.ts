/**
 * The shipped catalog (knowledge/tthc): loads without problems, every fact group carries its
 * legal basis (number and date), a source and its verification date, and every procedure's
 * card fits one reply (2000 characters, buttons included) through the real dialogue.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replyText } from '../../src/core/messages.ts';
import { loadCatalogDir } from '../../src/tthc/catalog-loader.ts';
import { loadAspects } from '../../src/tthc/aspects.ts';
import { FACT_GROUPS } from '../../src/tthc/schema.ts';
import { CARD_MAX_CHARS } from '../../src/tthc/render.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

const dir = join(import.meta.dirname, '..', '..', 'knowledge', 'tthc');
const loaded = loadCatalogDir(dir);
const procedures = loaded.procedures.map((p) => p.procedure);
const aspectIds = loadAspects(join(dir, 'aspects.yaml')).aspects.map((a) => a.id);

describe('shipped procedure catalog', () => {
  test('loads every file without a problem and ships the procedures the plans single out', () => {
    expect(loaded.problems).toEqual([]);
    const codes = procedures.map((p) => p.code);
    for (const code of ['khai-sinh', 'khai-tu', 'ket-hon', 'ly-lich-tu-phap']) expect(codes).toContain(code);
    expect(procedures.length).toBeGreaterThanOrEqual(6);
  });

  test.each(procedures.map((p) => [p.code, p] as const))('%s: every fact group has legal basis, source and verification date', (_code, p) => {
    const present = FACT_GROUPS.filter((g) => p[g] !== undefined);
    expect(present).toContain('agency');
    for (const g of present) {
      const group = p[g]!;
      expect(group.legalBasis.length, g).toBeGreaterThan(0);
      for (const ref of group.legalBasis) {
        expect(ref.number, g).toMatch(/\d+\//u);
        expect(ref.date, g).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/u);
      }
      expect(group.sources.length, g).toBeGreaterThan(0);
      // Checked on or after the catalog's first review, never in the future.
      expect(group.verifiedOn >= '2026-11-21', g).toBe(true);
      expect(group.verifiedOn <= new Date().toISOString().slice(0, 10), g).toBe(true);
    }
  });
});

describe('procedure cards in the dialogue', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    assistant = await testAssistant();
  });
  afterAll(() => assistant?.close());

  test.each(procedures.map((p) => [p.code] as const))('%s: card fits 2000 characters, says it is for reference and when it was checked', async (code) => {
    const reply = await assistant.dialogue.handle({ type: 'text', channel: 'web', userId: `card-${code}`, text: `#tthc:${code}`, receivedAt: Date.now() });
    const text = replyText(reply);
    expect(reply.intent).toBe('procedure_question');
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(text).toContain('tham khảo');
    expect(text).toContain('21/11/2026');
    expect(text).toContain('dichvucong.gov.vn');
    expect(text).toMatch(/Căn cứ: .*\(\d{1,2}\/\d{1,2}\/\d{4}\)/u);
    const buttons = reply.messages.flatMap((m) => (m.type === 'buttons' ? m.buttons : []));
    expect(buttons.some((b) => b.kind === 'url')).toBe(true);
    expect(buttons.some((b) => b.kind === 'postback' && b.payload === `#tthc:${code}:giayto`)).toBe(true);
  });

  test.each(procedures.flatMap((p) => aspectIds.map((a) => [p.code, a] as const)))('%s / %s: the follow-up answer fits and is sourced', async (code, aspect) => {
    const reply = await assistant.dialogue.handle({ type: 'text', channel: 'web', userId: `asp-${code}-${aspect}`, text: `#tthc:${code}:${aspect}`, receivedAt: Date.now() });
    const text = replyText(reply);
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(text).toContain('dichvucong.gov.vn');
    expect(reply.sources.some((s) => s.doc === `tthc:${code}`)).toBe(true);
  });

  test('no procedure sends a citizen to a district office (district level abolished 01/7/2025)', () => {
    for (const p of procedures) {
      expect(p.agency.level, p.code).not.toBe('huyen');
      expect(JSON.stringify(p), p.code).not.toMatch(/cấp huyện|UBND huyện|Ủy ban nhân dân huyện|quận, huyện/iu);
    }
  });
});
