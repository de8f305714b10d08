/**
 * The trainer's download: one row per learner × question (answered or not), UTF-8 with a
 * byte-order mark so Excel opens the Vietnamese text correctly, CRLF line ends, RFC 4180
 * quoting.
 */
import type { AnswerRow, ParticipantRow, QuestionRow, SessionRow } from '../storage/quiz-session-repository.ts';
import { LETTERS } from './session-messages.ts';

export const CSV_HEADER = ['Học viên', 'Kênh', 'Câu', 'Nội dung câu hỏi', 'Đáp án chọn', 'Đáp án đúng', 'Đúng', 'Thời gian (giây)', 'Điểm'] as const;

const CHANNEL_NAMES: Record<string, string> = { join: 'Trang tham gia', web: 'Web chat', 'zalo-oa': 'Zalo OA', 'zalo-bot': 'Zalo Bot' };

/** Quotes when needed; text starting like a formula gets a leading apostrophe (no formula injection in Excel). */
function cell(value: string | number): string {
  const s = typeof value === 'string' && /^[=+\-@\t]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * @example sessionCsv(engine.exportRows(id)!) // "\uFEFFHọc viên,Kênh,Câu,…\r\nAn,Trang tham gia,1,…"
 */
export function sessionCsv(data: { session: SessionRow; questions: QuestionRow[]; participants: ParticipantRow[]; answers: AnswerRow[] }): string {
  const byKey = new Map(data.answers.map((a) => [`${a.participantId}:${a.position}`, a]));
  const lines = [CSV_HEADER.map(cell).join(',')];
  for (const p of data.participants) {
    for (const q of data.questions) {
      const a = byKey.get(`${p.id}:${q.position}`);
      lines.push(
        [
          p.name,
          CHANNEL_NAMES[p.channel] ?? p.channel,
          q.position + 1,
          q.question.stem,
          a ? `${LETTERS[a.choice]}. ${q.question.options[a.choice] ?? ''}` : '',
          `${LETTERS[q.question.correct]}. ${q.question.options[q.question.correct]}`,
          a ? (a.correct ? 'có' : 'không') : 'không trả lời',
          a ? (a.elapsedMs / 1000).toFixed(1) : '',
          a ? a.points : 0,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
