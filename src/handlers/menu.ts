/**
 * Main-menu topics ("#menu:plan") and question buttons ("#ask:…"), from `knowledge/menu.yaml`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const TopicSchema = z.strictObject({ text: z.string().min(1), ask: z.array(z.string().min(1).max(200)).max(5).default([]) });
const MenuFileSchema = z.strictObject({ topics: z.record(z.string().regex(/^[a-z_]+$/), TopicSchema) });

export type MenuTopic = z.infer<typeof TopicSchema>;
export type MenuCatalog = ReadonlyMap<string, MenuTopic>;

export function loadMenu(file: string): MenuCatalog {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: không đọc được menu (cannot read menu): ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = MenuFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file}: menu không hợp lệ (invalid menu): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return new Map(Object.entries(parsed.data.topics));
}

/** Button titles are at most 100 characters on Zalo; long questions are cut for the title only. */
export function askButtonTitle(question: string): string {
  return question.length <= 60 ? question : question.slice(0, 57).replace(/\s+\S*$/u, '') + '…';
}
