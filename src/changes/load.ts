/**
 * Loads and validates `knowledge/changes.yaml` against the agency directory.
 *
 * Why fail loudly: a change without its source or act, or naming a unit the directory does not
 * know, would put an unsourced claim about today into answers. Every problem is listed at once,
 * each naming the change, so whoever edits the file fixes them in one pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AgencyDirectory } from '../records/agencies.ts';
import { ChangeSet } from './change-set.ts';
import { ChangesFileSchema } from './schema.ts';

/** The change file is wrong: every problem found. */
export class ChangesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ChangesError';
  }
}

const REQUIRED_WORDS: Record<string, string> = {
  source: 'thiếu "source" (URL nơi đọc được thông tin) / missing source URL',
  act: 'thiếu "act" (văn bản: số, ngày, cơ quan ban hành) / missing legal act',
  checked: 'thiếu "checked" (ngày kiểm tra) / missing checked date',
  recheckBy: 'thiếu "recheckBy" (ai kiểm tra lại) / missing recheckBy',
};

function entryLabel(data: unknown, index: unknown): string {
  if (typeof index !== 'number' || typeof data !== 'object' || data === null) return '';
  const list = (data as { changes?: unknown }).changes;
  const entry = Array.isArray(list) ? (list[index] as { id?: unknown } | undefined) : undefined;
  return typeof entry?.id === 'string' ? ` (${entry.id})` : '';
}

/**
 * Validates parsed YAML and builds the {@link ChangeSet}.
 * @throws ChangesError listing every problem (schema, duplicate id, unknown agency id).
 */
export function parseChanges(data: unknown, agencies: AgencyDirectory, file = 'changes.yaml'): ChangeSet {
  const parsed = ChangesFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ChangesError(
      file,
      parsed.error.issues.map((i) => {
        const [top, index, field] = i.path;
        const where = `${String(top)}${typeof index === 'number' ? `[${index}]${entryLabel(data, index)}` : ''}${i.path.length > 2 ? `.${i.path.slice(2).map(String).join('.')}` : ''}`;
        const missing = i.path.length === 3 && typeof field === 'string' && REQUIRED_WORDS[field] !== undefined && i.code === 'invalid_type';
        return `${where}: ${missing ? REQUIRED_WORDS[field as string] : i.message}`;
      }),
    );
  }
  const { changes, todayVocabulary } = parsed.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of changes) {
    if (seen.has(c.id)) problems.push(`${c.id}: id xuất hiện hai lần / duplicate id`);
    seen.add(c.id);
    for (const [side, units] of [['old', c.old], ['new', c.new]] as const) {
      for (const u of units) {
        if (u.agency !== undefined && agencies.get(u.agency) === undefined) {
          problems.push(`${c.id}: ${side} nêu "${u.agency}", không có trong agencies.yaml / ${side} names unknown agency "${u.agency}"`);
        }
      }
    }
    if (c.notes === 'forms' && c.noteForms.length === 0) problems.push(`${c.id}: notes: forms cần noteForms / notes: forms needs noteForms`);
  }
  if (problems.length > 0) throw new ChangesError(file, problems);
  return new ChangeSet(changes, todayVocabulary, agencies);
}

/**
 * Reads `<knowledgeDir>/changes.yaml`.
 * @example const changes = loadChanges('knowledge', loadAgencyDirectory('knowledge/agencies.yaml'));
 */
export function loadChanges(knowledgeDir: string, agencies: AgencyDirectory): ChangeSet {
  const path = join(knowledgeDir, 'changes.yaml');
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ChangesError(path, [`không đọc được tệp / cannot read the file: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseChanges(data, agencies, path);
}
