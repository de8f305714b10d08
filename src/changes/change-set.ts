/**
 * The validated change data with the one matcher that finds changed units in a text.
 *
 * Why one matcher for notes and questions: "Sở TT&TT", "so tttt" and "Sở Thông tin và\nTruyền
 * thông" must mean the same in a quoted plan passage and in a user's question. Agency forms
 * are matched by the agency directory (folded, on word boundaries, longest form first, so
 * "Bộ Thông tin và Truyền thông" is the ministry and never the department); the extra forms of
 * a change ("Bắc Giang", "xã Việt Tiến", "huyện") fill in only where no agency form covers
 * the text, so "Báo Bắc Giang" stays the newspaper.
 */
import { foldDiacritics, hasDiacritics, matchKey } from '../nlu/vietnamese.ts';
import type { AgencyDirectory } from '../records/agencies.ts';
import type { Change, TodayVocabulary } from './schema.ts';

/** Where a change is named in a text. */
export interface ChangeHit {
  readonly change: Change;
  /** The unit named is one of the change's old units, or only one of its new units. */
  readonly role: 'old' | 'new';
  readonly start: number;
  readonly end: number;
  readonly matched: string;
}

/** A unit that took over (part of) another one's work. */
export interface Lineage {
  readonly agencyId: string;
  readonly changeId: string;
  /** false when only some functions moved (inherits: part). */
  readonly whole: boolean;
}

interface FormToken {
  readonly key: string;
  readonly akey: string;
  readonly accented: boolean;
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}\p{M}\p{Nd}]+|&/gu;

function tokens(text: string): FormToken[] {
  const out: FormToken[] = [];
  for (const m of text.normalize('NFC').matchAll(WORD)) {
    const word = m[0];
    const akey = word === '&' ? 'và' : matchKey(word);
    out.push({ key: foldDiacritics(akey), akey, accented: word === '&' || hasDiacritics(word), start: m.index, end: m.index + word.length });
  }
  return out;
}

/** Token-sequence search: folded, and accent-exact where both sides carry accents. */
function findForm(textTokens: readonly FormToken[], form: readonly FormToken[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  if (form.length === 0) return found;
  for (let i = 0; i + form.length <= textTokens.length; i++) {
    let ok = true;
    for (let j = 0; j < form.length && ok; j++) {
      const t = textTokens[i + j] as FormToken;
      const f = form[j] as FormToken;
      ok = t.key === f.key && (!t.accented || !f.accented || t.akey === f.akey);
    }
    if (ok) found.push([i, i + form.length - 1]);
  }
  return found;
}

/** True when `text` contains one of `phrases` on word boundaries (folded). */
export function containsPhrase(text: string, phrases: readonly string[]): boolean {
  const t = tokens(text);
  return phrases.some((p) => findForm(t, tokens(p)).length > 0);
}

interface CompiledForm {
  readonly change: Change;
  readonly role: 'old' | 'new';
  readonly tokens: FormToken[];
  /** Used for notes (not only for questions). */
  readonly forNotes: boolean;
}

/**
 * Changes loaded from `knowledge/changes.yaml`, checked against the agency directory. Build it
 * with {@link loadChanges} or {@link parseChanges}.
 */
export class ChangeSet {
  private readonly forms: CompiledForm[] = [];

  constructor(
    readonly changes: readonly Change[],
    readonly vocabulary: TodayVocabulary,
    readonly agencies: AgencyDirectory,
  ) {
    for (const c of changes) {
      const newIds = new Set(c.new.flatMap((u) => (u.agency ? [u.agency] : [])));
      for (const u of c.old) {
        const stillNamed = u.agency !== undefined && newIds.has(u.agency);
        for (const f of u.forms) this.forms.push({ change: c, role: 'old', tokens: tokens(f), forNotes: c.notes === 'old-names' && !stillNamed });
      }
      for (const u of c.new) for (const f of u.forms) this.forms.push({ change: c, role: 'new', tokens: tokens(f), forNotes: false });
      for (const f of c.noteForms) this.forms.push({ change: c, role: 'old', tokens: tokens(f), forNotes: c.notes === 'forms' });
      for (const f of c.questionForms) this.forms.push({ change: c, role: 'old', tokens: tokens(f), forNotes: false });
    }
  }

  /** The change with this id. */
  get(id: string): Change | undefined {
    return this.changes.find((c) => c.id === id);
  }

  /** Agency ids any change names (old or new). */
  agencyIds(): Set<string> {
    return new Set(this.changes.flatMap((c) => [...c.old, ...c.new].flatMap((u) => (u.agency ? [u.agency] : []))));
  }

  /**
   * Changes named in `text`, in text order (a change may appear more than once).
   * - `note`: only names that no longer hold (an old unit not also a new one), or a change's
   *   `noteForms`: what a quoted answer needs a "Lưu ý" for;
   * - `question`: any old or new unit and the `questionForms`.
   */
  find(text: string, purpose: 'note' | 'question'): ChangeHit[] {
    const hits: ChangeHit[] = [];
    const mentions = this.agencies.mentions(text);
    for (const m of mentions) {
      for (const c of this.changes) {
        const oldIds = c.old.flatMap((u) => (u.agency ? [u.agency] : []));
        const newIds = c.new.flatMap((u) => (u.agency ? [u.agency] : []));
        const isOld = oldIds.includes(m.agencyId);
        const isNew = newIds.includes(m.agencyId);
        if (purpose === 'note') {
          if (c.notes === 'old-names' && isOld && !isNew) hits.push({ change: c, role: 'old', start: m.start, end: m.end, matched: m.matched });
        } else if (isOld || isNew) {
          hits.push({ change: c, role: isOld ? 'old' : 'new', start: m.start, end: m.end, matched: m.matched });
        }
      }
    }
    const textTokens = tokens(text);
    for (const f of this.forms) {
      if (purpose === 'note' && !f.forNotes) continue;
      for (const [a, b] of findForm(textTokens, f.tokens)) {
        const start = (textTokens[a] as FormToken).start;
        const end = (textTokens[b] as FormToken).end;
        // Inside an agency form: that agency decides ("Báo Bắc Giang" is the newspaper).
        const covering = mentions.filter((m) => m.start < end && start < m.end);
        const ownIds = new Set([...f.change.old, ...f.change.new].flatMap((u) => (u.agency ? [u.agency] : [])));
        if (covering.some((m) => !ownIds.has(m.agencyId))) continue;
        if (purpose === 'note' && covering.length > 0 && f.change.notes === 'old-names') continue; // already counted
        hits.push({ change: f.change, role: f.role, start, end, matched: text.slice(start, end) });
      }
    }
    return hits.sort((x, y) => x.start - y.start || y.end - x.end);
  }

  /**
   * Units that took over from `agencyId` (direct successors, in data order).
   * @example changes.successorsOf('so-tt-tt') // [{agencyId: 'so-kh-cn', changeId: 'so-tt-tt-vao-so-kh-cn', whole: true}]
   */
  successorsOf(agencyId: string): Lineage[] {
    const out: Lineage[] = [];
    for (const c of this.changes) {
      if (!c.old.some((u) => u.agency === agencyId)) continue;
      for (const u of c.new) if (u.agency && u.agency !== agencyId) out.push({ agencyId: u.agency, changeId: c.id, whole: c.inherits === 'all' });
    }
    return out;
  }

  /**
   * Units whose work `newAgencyId` took over, itself included when it kept its name (the old
   * Sở KH&CN is a predecessor of the merged one). Why: "Sở KH&CN được giao những việc gì trong
   * kế hoạch 2024?" lists the tasks of Sở TT&TT and of the old Sở KH&CN, each with its origin.
   * @example changes.predecessorsOf('so-kh-cn').map((l) => l.agencyId) // ['so-tt-tt', 'so-kh-cn']
   */
  predecessorsOf(newAgencyId: string): Lineage[] {
    const out: Lineage[] = [];
    for (const c of this.changes) {
      if (!c.new.some((u) => u.agency === newAgencyId)) continue;
      for (const u of c.old) if (u.agency) out.push({ agencyId: u.agency, changeId: c.id, whole: c.inherits === 'all' });
    }
    return out;
  }
}

/** Free-function forms of the lineage lookups, for callers that hold only the set. */
export const successorsOf = (changes: ChangeSet, agencyId: string): Lineage[] => changes.successorsOf(agencyId);
export const predecessorsOf = (changes: ChangeSet, newAgencyId: string): Lineage[] => changes.predecessorsOf(newAgencyId);
