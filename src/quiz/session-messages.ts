/**
 * The chat wording of the quiz, shared by solo practice and trainer sessions: a question
 * with its A–D buttons, the feedback after an answer (with the explanation and the source,
 * document name and date), a session's result. Buttons carry "#quiz:answer:<letter>:<n>" so
 * a stale tap on an old question is recognised; a typed "B" or "2" answers the current one.
 */
import type { OutgoingMessage, SourceRef } from '../core/messages.ts';
import { buttonsMessage } from '../core/dialogue.ts';
import type { QuizSource } from './schema.ts';

export const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** Turns a question's source into a citation: document short name, date, section, lines. */
export type SourceDescriber = (source: QuizSource) => SourceRef;

/** A describer over the documents' metadata (id → short name and date). */
export function sourceDescriber(documents: ReadonlyMap<string, { shortName: string; date: string }>): SourceDescriber {
  return (source) => {
    const doc = documents.get(source.doc);
    return {
      doc: source.doc,
      title: doc?.shortName ?? `Văn bản ${source.doc}`,
      section: source.section,
      date: doc?.date ?? '',
      lines: `${source.lines[0]}-${source.lines[1]}`,
    };
  };
}

/** "Nguồn: Kế hoạch CĐS năm 2024 của UBND tỉnh (12/2023), Phụ lục I, dòng 40-42." (the answers' citation format) */
export function citation(ref: SourceRef): string {
  const parts = [`${ref.title}${ref.date ? ` (${ref.date})` : ''}`];
  if (ref.section) parts.push(ref.section);
  if (ref.lines) parts.push(`dòng ${ref.lines}`);
  return `Nguồn: ${parts.join(', ')}.`;
}

export interface AskedQuestion {
  stem: string;
  options: readonly string[];
  /** 1-based number of the question in its quiz. */
  number: number;
  total: number;
}

/** The question with lettered options and one button per option. */
export function questionMessage(q: AskedQuestion, heading: string, footer: string): OutgoingMessage {
  const lines = [`${heading}`, q.stem, ...q.options.map((o, i) => `${LETTERS[i]}. ${o}`), footer].filter((l) => l !== '');
  const buttons = q.options.map((_, i) => ({ kind: 'postback' as const, title: LETTERS[i]!, payload: `#quiz:answer:${LETTERS[i]}:${q.number}` }));
  return buttonsMessage(lines.join('\n'), buttons, false);
}

/** "Đáp án đúng: B. …", the explanation and the citation. */
export function explanationLines(options: readonly string[], correct: number, explanation: string, ref: SourceRef): string[] {
  return [`Đáp án đúng: ${LETTERS[correct]}. ${options[correct]}`, explanation, citation(ref)];
}

/** Reads an answer typed or tapped: "B", "b", "2", "đáp án B", "chọn c", "#quiz:answer:B:3". */
export function parseAnswer(text: string, optionCount: number): { choice: number; number?: number; byDigit?: boolean } | undefined {
  const payload = /^#quiz:answer:([A-D])(?::(\d+))?$/i.exec(text.trim());
  if (payload) {
    const choice = LETTERS.indexOf(payload[1]!.toUpperCase() as (typeof LETTERS)[number]);
    return choice < optionCount ? { choice, number: payload[2] ? Number(payload[2]) : undefined } : undefined;
  }
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[.!?,;:)]+$/g, '')
    .trim();
  const m = /^(?:(?:toi |em |minh )?(?:chon|dap an|phuong an|tra loi|cau)\s*(?:la\s*)?)?([a-d]|[1-4])$/.exec(folded);
  if (!m) return undefined;
  const token = m[1]!;
  const choice = /\d/.test(token) ? Number(token) - 1 : token.charCodeAt(0) - 97;
  return choice < optionCount ? { choice, byDigit: /\d/.test(token) } : undefined;
}

/** "dừng", "thoát", "kết thúc", "stop": leaves the quiz. */
export function isStopRequest(text: string): boolean {
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[.!?]+$/g, '')
    .trim();
  return /^(dung|dung lai|dung thi|dung bai thi|dung quiz|thoat|thoat thi|thoat ra|ket thuc|ket thuc bai thi|huy|huy bai thi|stop|quit|exit|#quiz:stop)( a| nhe| nha| di)?$/.test(folded);
}
