/**
 * How alike two questions are, read the way the assistant reads them: the Vietnamese
 * analyzer with the thesaurus (abbreviations and synonyms to one form, "CSDL" → "cơ sở dữ
 * liệu"), diacritics folded, question words and fillers set aside. Used to find a curated
 * answer for a paraphrase and to group the unanswered queue.
 */
import { foldDiacritics } from '../nlu/vietnamese.ts';

/** Question words and fillers that say nothing about the topic (folded). */
const STOP = new Set(
  'a ad ah ak ai anh chi em toi minh ban cho hoi xin vui long giup la gi nao the nao bao nhieu khong ko co cua va cac nhung thi duoc o tai ve voi nhe nha vay day do nay kia roi da se dang cai chiec muon biet can phai hay hoac mot khi nhu vay'.split(' '),
);

export type Analyzer = (text: string) => string[];

/** The topic words of a question (folded, deduplicated, without fillers). */
export function topicTerms(text: string, analyze: Analyzer): Set<string> {
  const out = new Set<string>();
  for (const token of analyze(text)) {
    const folded = foldDiacritics(token).toLowerCase();
    if (folded.length === 0 || STOP.has(folded)) continue;
    out.add(folded);
  }
  return out;
}

/**
 * Dice coefficient of two term sets (0..1).
 * @example similarity(topicTerms('số hotline dịch vụ công?', a), topicTerms('so duong day nong dvc la so nao', a)) // ≈ 1
 */
export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}
