/**
 * Points for one answer in a trainer session, Kahoot-style: a correct answer is worth up to
 * `maxPoints`, less the slower it comes (half the points at the very last moment); a wrong
 * or missing answer is worth 0. The optional streak bonus adds 100 points for each
 * consecutive correct answer before this one, at most 500, and only to correct answers.
 */

export interface ScoringRules {
  /** Faster correct answers earn more (between half and all of `maxPoints`); off = every correct answer earns `maxPoints`. */
  speedWeighted: boolean;
  /** +100 per previous consecutive correct answer (at most +500). */
  streakBonus: boolean;
  /** Points of a correct answer given at once (1000 by default). */
  maxPoints: number;
}

export const DEFAULT_SCORING: ScoringRules = { speedWeighted: true, streakBonus: false, maxPoints: 1000 };

export const STREAK_STEP = 100;
export const STREAK_CAP = 500;

export interface ScoredAnswer {
  /** Points for the question itself. */
  base: number;
  /** Streak bonus added on top. */
  bonus: number;
  points: number;
  /** Consecutive correct answers including this one (0 after a wrong one). */
  streak: number;
}

/**
 * Scores one answer.
 * @param elapsedMs time from the question opening to the answer, clamped to [0, limitMs]
 * @param previousStreak consecutive correct answers right before this question
 * @example scoreAnswer({ correct: true, elapsedMs: 5000, limitMs: 20000, previousStreak: 2 }, { ...DEFAULT_SCORING, streakBonus: true }) // 875 + 200
 */
export function scoreAnswer(
  answer: { correct: boolean; elapsedMs: number; limitMs: number; previousStreak: number },
  rules: ScoringRules,
): ScoredAnswer {
  if (!answer.correct) return { base: 0, bonus: 0, points: 0, streak: 0 };
  const fraction = answer.limitMs > 0 ? Math.min(1, Math.max(0, answer.elapsedMs / answer.limitMs)) : 0;
  const base = rules.speedWeighted ? Math.round(rules.maxPoints * (1 - fraction / 2)) : rules.maxPoints;
  const bonus = rules.streakBonus ? Math.min(STREAK_CAP, answer.previousStreak * STREAK_STEP) : 0;
  return { base, bonus, points: base + bonus, streak: answer.previousStreak + 1 };
}
