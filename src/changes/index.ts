/**
 * Today's province: the 2025–2026 reorganisation as sourced data (issue 10).
 *
 * Wiring, for the dialogue:
 * ```ts
 * const changes = loadChanges(config.knowledgeDir, agencies);      // once, at start-up
 * const today = answerAboutToday(text, changes);                    // before plan retrieval
 * if (today) return reply(today.text, today.sources);
 * const notes = changeNotes(answerText, changes);                   // after a quoted answer
 * const lineage = changes.predecessorsOf('so-kh-cn');               // agency lookups by new name
 * ```
 */
export { ChangeSet, successorsOf, predecessorsOf, containsPhrase, type ChangeHit, type Lineage } from './change-set.ts';
export { loadChanges, parseChanges, ChangesError } from './load.ts';
export {
  answerAboutToday,
  changeNotes,
  compactNote,
  isTodayQuestion,
  noteLine,
  actShort,
  actFull,
  displayDate,
  type ChangeSource,
  type TodayAnswer,
} from './answers.ts';
export { staleChanges, unmarkedAgencies, changesReportLines, type StaleChange } from './report.ts';
export { CHANGE_KINDS, ChangeSchema, ChangesFileSchema, type Change, type ChangeKind, type Act, type Unit, type TodayVocabulary } from './schema.ts';
