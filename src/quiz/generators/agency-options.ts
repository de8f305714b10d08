/**
 * Wrong answers for "which unit leads / monitors this?": other units of the same kind, the
 * ones the same document gives work to first, never a unit the row names at all.
 *
 * Why same kind: "Sở Y tế" against "Sở Tư pháp" makes the learner recall the row; "Sở Y tế"
 * against "Tỉnh đoàn" does not. Why never a named unit: a co-leading or coordinating unit
 * is partly right, so it cannot be a wrong option.
 */
import type { Agency, AgencyDirectory, AgencyKind } from '../../records/agencies.ts';
import { seededShuffle } from './common.ts';

/** Kinds to borrow from when a kind has too few units (Ban Dân tộc → the departments). */
const NEIGHBOUR_KINDS: Readonly<Partial<Record<AgencyKind, readonly AgencyKind[]>>> = {
  ban: ['so'],
  'co-quan-khac': ['so', 'ban'],
  'bao-chi': ['so', 'ban'],
  'don-vi-thuoc-so': ['to-cong-tac'],
  'to-cong-tac': ['don-vi-thuoc-so'],
  'doan-the': ['co-quan-dang'],
  'co-quan-dang': ['doan-the'],
  'co-quan-trung-uong': ['so'],
  'chinh-quyen-tinh': ['ban', 'so'],
};

/** Kinds never used as a wrong option: too far from any row's lead, or not one unit. */
const NEVER: ReadonlySet<AgencyKind> = new Set(['nhom', 'ubnd-cap-xa', 'doanh-nghiep']);

/** How an agency is shown in an option: its full name, or its short form when the name is long. */
export function agencyOption(agency: Agency): string {
  return agency.name.length <= 60 ? agency.name : agency.short;
}

/** Options text for several units: "Văn phòng Tỉnh ủy, Ủy ban Kiểm tra Tỉnh ủy và Ban Nội chính Tỉnh ủy". */
export function agenciesOption(agencies: readonly Agency[]): string {
  const names = agencies.map(agencyOption);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} và ${names[names.length - 1] as string}`;
}

/**
 * Up to `count` wrong options for a row led by `correct` (one or more units).
 *
 * - each wrong option names as many units as the right one, of the same kinds in order;
 * - no unit in `exclude` (the row's lead, co-lead and coordinating units, those named in the
 *   stem) ever appears;
 * - units in `preferred` (those the same document names) come first, then `known` ones
 *   (named by any document), each tier own kind before neighbouring kinds, in an order
 *   seeded by `seed`; then the rest of the kind.
 */
export function agencyDistractors(opts: {
  directory: AgencyDirectory;
  correct: readonly Agency[];
  exclude: ReadonlySet<string>;
  preferred: ReadonlySet<string>;
  /** Units any document names (less close than `preferred`, closer than the rest of the kind). */
  known?: ReadonlySet<string>;
  seed: string;
  count?: number;
}): string[] {
  const count = opts.count ?? 3;
  const used = new Set<string>(opts.exclude);
  for (const a of opts.correct) used.add(a.id);
  const tiers = [opts.preferred, opts.known ?? new Set<string>()];
  const lists = opts.correct.map((a, i) => candidatesFor(opts.directory, a.kind, used, tiers, `${opts.seed}:${i}`));
  const out: string[] = [];
  const taken = new Set<string>();
  for (let n = 0; n < count; n++) {
    const units: Agency[] = [];
    for (const list of lists) {
      const next = list.find((a) => !taken.has(a.id) && !units.some((u) => u.id === a.id));
      if (next === undefined) break;
      units.push(next);
    }
    if (units.length !== opts.correct.length) break;
    for (const u of units) taken.add(u.id);
    out.push(agenciesOption(units));
  }
  return out;
}

function candidatesFor(dir: AgencyDirectory, kind: AgencyKind, used: ReadonlySet<string>, tiers: ReadonlyArray<ReadonlySet<string>>, seed: string): Agency[] {
  const usable = (a: Agency): boolean => !used.has(a.id) && !NEVER.has(a.kind);
  const kinds = [kind, ...(NEIGHBOUR_KINDS[kind] ?? [])];
  const out: Agency[] = [];
  const seen = new Set<string>();
  const add = (list: Agency[]): void => {
    for (const a of list) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      out.push(a);
    }
  };
  // Tier by tier (units this document names, then units any document names), own kind
  // before neighbouring kinds; then whatever else the kind has.
  for (const [t, tier] of tiers.entries()) {
    for (const k of kinds) add(seededShuffle(dir.byKind(k).filter((a) => usable(a) && tier.has(a.id)), `${seed}:${t}:${k}`));
  }
  for (const k of kinds) add(seededShuffle(dir.byKind(k).filter(usable), `${seed}:rest:${k}`));
  return out;
}
