/**
 * The unanswered queue: questions answered "chưa tìm thấy", below a confidence, declined, or
 * rated 👎, grouped by similarity (the assistant's own Vietnamese analysis: thesaurus,
 * folding, topic words) with how often each was asked and when last, for staff to review.
 */
import type { AnswerLog, FeedbackStore } from './answer-log.ts';
import { similarity, topicTerms, type Analyzer } from './similarity.ts';
import { maskPersonalNumbers } from './privacy.ts';

export interface UnansweredGroup {
  /** The most recent wording, masked. */
  question: string;
  /** Other wordings (masked, at most 10). */
  variants: string[];
  count: number;
  latestAt: string;
  reasons: Record<string, number>;
  channels: string[];
  /** The messageIds of the items (the latest first). */
  messageIds: string[];
}

/** Two questions belong to one group from this similarity of topic words. */
export const GROUP_MIN_SIMILARITY = 0.6;

export function unansweredQueue(
  deps: { log: AnswerLog; feedback: FeedbackStore; analyze: Analyzer },
  options: { since: number; minConfidence: number; limit?: number },
): UnansweredGroup[] {
  const items: Array<{ id: string; question: string; reason: string; at: number; channel: string }> = [];
  const seen = new Set<string>();
  const down = new Set(deps.feedback.since(options.since).filter((f) => f.rating === 'down').map((f) => f.messageId));
  for (const e of deps.log.since(options.since)) {
    if (e.question.startsWith('#') || e.question.startsWith('[') || /^\d{1,2}$/.test(e.question.trim())) continue;
    const reason = down.has(e.id)
      ? 'rated_down'
      : e.outcome === 'not_found'
        ? 'not_found'
        : e.outcome === 'declined'
          ? 'declined'
          : e.outcome === 'answered' && e.confidence < options.minConfidence
            ? 'low_confidence'
            : undefined;
    if (!reason) continue;
    seen.add(e.id);
    items.push({ id: e.id, question: e.question, reason, at: e.createdAt, channel: e.channel });
  }
  items.sort((a, b) => b.at - a.at);
  const groups: Array<{ terms: Set<string>; items: typeof items }> = [];
  for (const item of items) {
    const terms = topicTerms(item.question, deps.analyze);
    let best: (typeof groups)[number] | undefined;
    let bestScore = GROUP_MIN_SIMILARITY;
    for (const g of groups) {
      const score = similarity(terms, g.terms);
      if (score >= bestScore) {
        best = g;
        bestScore = score;
      }
    }
    if (best) best.items.push(item);
    else groups.push({ terms, items: [item] });
  }
  return groups
    .map((g) => {
      const reasons: Record<string, number> = {};
      for (const i of g.items) reasons[i.reason] = (reasons[i.reason] ?? 0) + 1;
      const wordings = [...new Set(g.items.map((i) => maskPersonalNumbers(i.question.trim())))];
      return {
        question: wordings[0]!,
        variants: wordings.slice(1, 11),
        count: g.items.length,
        latestAt: new Date(g.items[0]!.at).toISOString(),
        reasons,
        channels: [...new Set(g.items.map((i) => i.channel))],
        messageIds: g.items.map((i) => i.id),
      };
    })
    .sort((a, b) => b.count - a.count || b.latestAt.localeCompare(a.latestAt))
    .slice(0, options.limit ?? 100);
}
