/**
 * Questions about today's province ("Sở TT&TT bây giờ là sở nào?", "Bắc Giang còn không?",
 * "Hương Mai giờ thuộc phường nào?"): answered from the change data with its act, source and
 * date, before any plan passage could answer them as if nothing had changed.
 */
import type { Step } from '../core/dialogue.ts';
import { answerAboutToday } from '../changes/index.ts';

export const todayStep: Step = (turn, next, services) => {
  const changes = services.changes;
  if (!changes || turn.text.startsWith('#')) return next();
  const today = answerAboutToday(turn.text, changes);
  if (!today) return next();
  return {
    messages: [{ type: 'text', text: today.text }],
    intent: 'today_question',
    sources: today.sources.map((s) => ({ doc: s.doc, title: s.title, section: s.section, date: s.date, ...(s.url ? { url: s.url } : {}) })),
    confidence: 0.9,
  };
};
