/**
 * Runs the conversation stories in tests/stories/*.yaml through the real dialogue.
 * A story naming an unknown intent fails validation, like Rasa's `data validate`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { INTENT_NAMES } from '../../src/core/intent-names.ts';
import { replyText } from '../../src/core/messages.ts';
import { foldDiacritics } from '../../src/nlu/vietnamese.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

const KNOWN_INTENTS = [...INTENT_NAMES, 'menu', 'media', 'too_long', 'error', 'today_question'] as string[];
const intentName = z.string().refine((n) => KNOWN_INTENTS.includes(n), { message: 'unknown intent' });
const StepSchema = z.strictObject({
  user: z.string(),
  intent: intentName.optional(),
  not_intent: intentName.optional(),
  contains: z.array(z.string()).default([]),
  /** Strings that must not appear (a neighbour's figure, the previous procedure's papers). */
  not_contains: z.array(z.string()).default([]),
  source_doc: z.string().optional(),
  buttons: z.array(z.string()).default([]),
  max_chars: z.number().optional(),
});
const StoryFileSchema = z.strictObject({
  stories: z.array(z.strictObject({ name: z.string(), channel: z.enum(['web', 'zalo-oa', 'zalo-bot']).default('web'), steps: z.array(StepSchema).min(1) })),
});

const dir = join(import.meta.dirname, '..', 'stories');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const stories = files.flatMap((file) => {
  const parsed = StoryFileSchema.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.stories.map((s) => ({ ...s, file }));
});

const fold = (s: string) => foldDiacritics(s).replace(/\s+/g, ' ');

describe('conversation stories', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    assistant = await testAssistant();
  });
  afterAll(() => assistant?.close());

  test('there is at least one story file', () => {
    expect(stories.length).toBeGreaterThan(0);
  });

  test.each(stories.map((s, i) => [`${s.file}: ${s.name}`, i] as const))('%s', async (_name, i) => {
    const story = stories[i]!;
    const userId = `story-${i}`;
    for (const [n, step] of story.steps.entries()) {
      const reply = await assistant.dialogue.handle({ type: 'text', channel: story.channel, userId, text: step.user, receivedAt: Date.now() });
      const text = replyText(reply);
      const where = `step ${n + 1} ("${step.user}") → [${reply.intent}] ${text.slice(0, 300)}`;
      if (step.intent) expect(reply.intent, where).toBe(step.intent);
      if (step.not_intent) expect(reply.intent, where).not.toBe(step.not_intent);
      for (const c of step.contains) expect(fold(text), where).toContain(fold(c));
      for (const c of step.not_contains) expect(fold(text), where).not.toContain(fold(c));
      if (step.source_doc) expect(reply.sources.map((s) => s.doc), where).toContain(step.source_doc);
      const payloads = reply.messages.flatMap((m) => (m.type === 'buttons' ? m.buttons : [])).map((b) => (b.kind === 'postback' ? b.payload : ''));
      for (const b of step.buttons) expect(payloads, where).toContain(b);
      if (step.max_chars) expect(text.length, where).toBeLessThanOrEqual(step.max_chars);
    }
  });
});
