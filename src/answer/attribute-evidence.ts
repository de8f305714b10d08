/**
 * Whether a passage gives the attribute a question asks for. Why: a related passage is not
 * an answer — asked for a budget, a paragraph without an amount must be shown as "the
 * document does not give it", never as if it answered.
 *
 * Only attributes that can be seen in the text are checked here (money, a time, a count, a
 * legal act); who leads, a list or responsibilities are judged by the records and handlers.
 */
import { foldWords, type Attribute, type QuestionFrame } from '../nlu/question-frame.ts';

/** Attributes whose presence a passage's own words show. */
export const TEXT_CHECKED: ReadonlySet<Attribute> = new Set(['budget', 'unitPrice', 'period', 'count', 'legalBasis']);

const MONEY = /\d[\d.,]*\s*(trieu|ty|nghin|ngan|dong|trd)\b/;
const TIME = /\b(19|20)\d{2}\b|\b\d{1,2}\s\d{1,2}\s(19|20)\d{2}\b|\btruoc ngay \d|\bngay \d{1,2}( \d{1,2})?\b|\b(hang|hằng) (nam|quy|thang)\b|\bdinh ky\b|\bthuong xuyen\b/;
const ACT = /\b(quyet dinh|ke hoach|nghi quyet|thong tu|nghi dinh|cong van|chi thi|de an|luat)( so)? \d/;
const NUMBER_WORDS = '\\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi';

/** Labels for "không nêu" lines, as an official would read them. */
export const ATTRIBUTE_LABEL: Readonly<Record<Attribute, string>> = {
  lead: 'đơn vị chủ trì',
  coordinate: 'đơn vị phối hợp',
  period: 'thời gian, thời hạn thực hiện',
  budget: 'kinh phí',
  unitPrice: 'đơn giá (giá của mỗi đơn vị)',
  status: 'tình trạng (mới hay chuyển tiếp)',
  legalBasis: 'văn bản căn cứ',
  product: 'sản phẩm',
  signer: 'người ký',
  issued: 'ngày ban hành',
  responsibility: 'trách nhiệm',
  list: 'danh sách',
  count: 'số lượng',
};

/** "số thành viên", "số chỗ ngồi": what a count question asks for, in words. */
export function countLabel(frame: QuestionFrame): string {
  return frame.countedText ? `số ${frame.countedText}` : ATTRIBUTE_LABEL.count;
}

/**
 * Whether `text` gives `attribute` as the frame asks it.
 * @example textGives('budget', 'Dự kiến tổng kinh phí: 1.200 triệu đồng', frame) // true
 */
export function textGives(attribute: Attribute, text: string, frame: QuestionFrame): boolean {
  const words = foldWords(text.replace(/\//g, ' '));
  switch (attribute) {
    case 'budget':
      return MONEY.test(words);
    case 'period':
      return TIME.test(words);
    case 'unitPrice':
      return /\bdon gia\b|\d[\d.,]* (trieu|dong|nghin) (\/ )?(moi|1|mot) /.test(words);
    case 'legalBasis':
      return ACT.test(words);
    case 'count': {
      if (!frame.counted) return true;
      const noun = frame.counted.split(' ')[0]!;
      // "18 thiết bị", "06 nền tảng", "gồm 3 nhiệm vụ" — a number right before the noun, not a share.
      return new RegExp(`(^| )(${NUMBER_WORDS}) ${noun}( |$)`).test(words);
    }
    default:
      return true;
  }
}

/** The checked attributes of the frame that `text` does not give. */
export function missingIn(text: string, frame: QuestionFrame | undefined): Attribute[] {
  if (!frame) return [];
  return frame.attributes.filter((a) => TEXT_CHECKED.has(a) && !textGives(a, text, frame));
}
