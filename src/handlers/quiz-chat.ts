/**
 * The quiz in the chat (Zalo and web share it): solo practice ("thi thử", topic buttons,
 * A–D answers, feedback with the explanation and its source, the score at the end, "dừng")
 * and joining a trainer's session ("thamgia 123456", then a display name, then answers).
 * It is the dialogue's `quiz` activity: it sees each message first and claims only its own.
 */
import type { Activity, ActivityTurn } from '../core/dialogue.ts';
import { buttonsMessage, plainReply } from '../core/dialogue.ts';
import type { OutgoingMessage, Reply, SourceRef } from '../core/messages.ts';
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { QUIZ_TOPICS, QUIZ_TOPIC_NAMES, type QuizTopic } from '../quiz/schema.ts';
import { DEFAULT_SOLO_QUESTIONS, MAX_SOLO_QUESTIONS, type SoloQuestion, type SoloScore, type SoloUser } from '../quiz/solo-practice.ts';
import { isStopRequest, LETTERS, parseAnswer, questionMessage, explanationLines } from '../quiz/session-messages.ts';
import { MAX_NAME_CHARS, QuizError, cleanName } from '../quiz/session-engine.ts';
import type { ParticipantRow } from '../storage/quiz-session-repository.ts';
import type { QuizService } from '../quiz/session-service.ts';

/** A "thamgia <code>" waiting for a display name is forgotten after this long. */
const PENDING_JOIN_MS = 15 * 60_000;

/** "thamgia 123456", "tham gia 123456 Nguyễn An", "vào phòng thi 123456", "join 123456". */
const JOIN = /^(?:tham ?gia|join|vao phong(?: thi)?|ma phong(?: thi)?)\s*(?:phong(?: thi)?\s*)?(?:ma\s*)?:?\s*(\d{6})\b/;

/** Folded keys of each topic's name ("kinh te so"; both halves of "Cơ quan đảng – đoàn thể"). */
const TOPIC_KEYS: Array<[QuizTopic, string[]]> = QUIZ_TOPICS.map((t) => [
  t,
  QUIZ_TOPIC_NAMES[t]
    .split(/[–-]/)
    .map((part) => fold(part))
    .filter((k) => k.length > 0),
]);

function fold(text: string): string {
  return foldDiacritics(text)
    .replace(/[^\p{L}\p{N}# ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const reply = (messages: OutgoingMessage[], sources: SourceRef[] = []): Reply => ({ messages, intent: 'quiz', sources, confidence: 1 });

export class QuizChat implements Activity {
  constructor(private readonly quiz: QuizService) {}

  intercept(ctx: ActivityTurn): Reply | undefined {
    const text = ctx.text;
    const user: SoloUser = { channel: ctx.message.channel, userId: ctx.message.userId };
    if (text.startsWith('#quiz:')) return this.payload(text, user);
    if (text === '#menu:quiz') return this.menu();
    if (text.startsWith('#')) return undefined;
    const folded = fold(text);
    const join = JOIN.exec(folded);
    if (join) return this.joinCommand(join[1]!, text, user);

    const pending = this.pendingJoin(user);
    if (pending) return this.completeJoin(pending, text, user);

    // A bare "2" answers only right after a quiz turn; otherwise it may pick a menu choice.
    const digitsOk = ctx.state.lastIntent === 'quiz';
    const participation = this.quiz.engine.participationOf(user.channel, user.userId);
    if (participation) {
      const live = this.liveTurn(participation, text, digitsOk);
      if (live) return live;
    }
    const current = this.quiz.solo.current(user);
    if (current) {
      if (isStopRequest(text)) return this.stopSolo(user);
      const answer = parseAnswer(text, current.options.length);
      if (answer && (digitsOk || !answer.byDigit)) return this.gradeSolo(user, answer.choice, answer.number);
    }
    return undefined;
  }

  /** "thi thử", "quiz", "trắc nghiệm" (the quiz intent): resumes, or starts with the topic asked, or offers topics. */
  open(ctx: ActivityTurn): Reply {
    const user: SoloUser = { channel: ctx.message.channel, userId: ctx.message.userId };
    const participation = this.quiz.engine.participationOf(user.channel, user.userId);
    if (participation) return this.sessionStatus(participation);
    const current = this.quiz.solo.current(user);
    const folded = fold(ctx.text);
    const topic = topicIn(folded);
    const count = countIn(folded);
    if (current && topic === undefined && count === undefined) {
      const progress = this.quiz.solo.progress(user)!;
      return reply([
        { type: 'text', text: `Dạ, anh/chị đang làm dở bài thi thử (đã trả lời ${progress.answered}/${progress.total} câu, đúng ${progress.correct}). Mời anh/chị làm tiếp ạ:` },
        this.soloQuestion(current),
        buttonsMessage('Hoặc:', [
          { kind: 'postback', title: 'Làm bài mới', payload: '#quiz:menu' },
          { kind: 'postback', title: 'Dừng', payload: '#quiz:stop' },
        ], false),
      ]);
    }
    if (topic !== undefined) return this.startSolo(user, topic, count);
    return this.menu(count);
  }

  // ---------- solo practice ----------

  private menu(count?: number): Reply {
    const topics = this.quiz.topics().filter((t) => t.count > 0);
    const total = this.quiz.questions().length;
    if (total === 0) return plainReply('Dạ, ngân hàng câu hỏi trắc nghiệm đang được cập nhật, anh/chị vui lòng quay lại sau ạ.', 'quiz');
    const n = count ?? DEFAULT_SOLO_QUESTIONS;
    const choices = [
      { title: 'Tất cả chủ đề', payload: `#quiz:start:all:${n}` },
      ...topics.map((t) => ({ title: t.name, payload: `#quiz:start:${t.id}:${n}` })),
    ];
    const buttons = choices.map((c) => ({ kind: 'postback' as const, ...c }));
    const listing = choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n');
    const messages: OutgoingMessage[] = [
      buttonsMessage(`Dạ, mời anh/chị chọn chủ đề thi thử (${n} câu, trả lời bằng A, B, C, D; nhắn "dừng" để dừng):\n${listing}`, buttons.slice(0, 6), false),
    ];
    if (buttons.length > 6) messages.push(buttonsMessage('Các chủ đề khác:', buttons.slice(6, 12), false));
    return reply(messages);
  }

  private startSolo(user: SoloUser, topic: QuizTopic | null, count?: number): Reply {
    const first = this.quiz.solo.start(user, { topic, count });
    const name = topic ? QUIZ_TOPIC_NAMES[topic] : 'tất cả chủ đề';
    if (!first) {
      return reply([
        buttonsMessage(`Dạ, chủ đề ${name} chưa có câu hỏi. Anh/chị chọn chủ đề khác giúp em ạ.`, [{ kind: 'postback', title: 'Chọn chủ đề', payload: '#quiz:menu' }], false),
      ]);
    }
    const fewer = count !== undefined && first.total < count ? ` (chủ đề này hiện có ${first.total} câu)` : '';
    return reply([
      { type: 'text', text: `Dạ, bắt đầu bài thi thử ${first.total} câu — ${name}${fewer}. Anh/chị nhắn A, B, C hoặc D để trả lời, nhắn "dừng" để dừng ạ.` },
      this.soloQuestion(first),
    ]);
  }

  private soloQuestion(q: SoloQuestion): OutgoingMessage {
    const topic = q.question.topic ? ` — ${QUIZ_TOPIC_NAMES[q.question.topic]}` : '';
    return questionMessage({ stem: q.question.stem, options: q.options, number: q.number, total: q.total }, `Câu ${q.number}/${q.total}${topic}:`, '');
  }

  private gradeSolo(user: SoloUser, choice: number, number?: number): Reply {
    const result = this.quiz.solo.answer(user, choice, number);
    if (result.status === 'no_quiz') return this.menu();
    if (result.status === 'stale') {
      return reply([{ type: 'text', text: `Dạ, câu đó đã trả lời rồi ạ. Câu hiện tại là câu ${result.current.number}:` }, this.soloQuestion(result.current)]);
    }
    const q = result.answered;
    const ref = this.quiz.describeSource(q.question.source);
    const verdict = result.correct
      ? `Đúng rồi ạ! (câu ${q.number}/${q.total})`
      : `Chưa đúng ạ. Anh/chị chọn ${LETTERS[result.choice]}. ${q.options[result.choice]}`;
    const feedback: OutgoingMessage = { type: 'text', text: [verdict, ...explanationLines(q.options, q.correct, q.question.explanation, ref)].join('\n') };
    if (result.next) return reply([feedback, this.soloQuestion(result.next)], [ref]);
    return reply([feedback, this.finalScore(result.score, q.topic)], [ref]);
  }

  private finalScore(score: SoloScore, topic: QuizTopic | null): OutgoingMessage {
    const pct = score.total > 0 ? Math.round((score.correct / score.total) * 100) : 0;
    const praise = pct >= 80 ? 'Anh/chị nắm rất vững các kế hoạch!' : pct >= 50 ? 'Anh/chị làm khá tốt.' : 'Anh/chị có thể ôn lại các kế hoạch và thử lại.';
    return buttonsMessage(
      `Dạ, anh/chị đã hoàn thành bài thi thử: đúng ${score.correct}/${score.total} câu (${pct}%). ${praise}`,
      [
        { kind: 'postback', title: 'Làm bài mới', payload: `#quiz:start:${topic ?? 'all'}:${score.total}` },
        { kind: 'postback', title: 'Chọn chủ đề khác', payload: '#quiz:menu' },
      ],
      false,
    );
  }

  private stopSolo(user: SoloUser): Reply {
    const score = this.quiz.solo.stop(user);
    const done = score ? ` Anh/chị đã trả lời đúng ${score.correct}/${score.answered} câu.` : '';
    return reply([
      buttonsMessage(`Dạ, em đã dừng bài thi thử.${done} Khi nào muốn thi tiếp, anh/chị nhắn "thi thử" ạ.`, [{ kind: 'postback', title: 'Làm bài mới', payload: '#quiz:menu' }], false),
    ]);
  }

  private payload(text: string, user: SoloUser): Reply {
    const [, kind, ...rest] = text.split(':');
    if (kind === 'start') {
      const topic = rest[0] === 'all' || rest[0] === undefined ? null : (QUIZ_TOPICS as readonly string[]).includes(rest[0]) ? (rest[0] as QuizTopic) : null;
      const count = rest[1] ? Math.min(MAX_SOLO_QUESTIONS, Math.max(1, Number(rest[1]) || DEFAULT_SOLO_QUESTIONS)) : undefined;
      return this.startSolo(user, topic, count);
    }
    if (kind === 'answer') {
      const participation = this.quiz.engine.participationOf(user.channel, user.userId);
      if (participation) {
        const live = this.liveTurn(participation, text, true);
        if (live) return live;
      }
      const current = this.quiz.solo.current(user);
      const answer = current && parseAnswer(text, current.options.length);
      if (answer) return this.gradeSolo(user, answer.choice, answer.number);
      return reply([buttonsMessage('Dạ, câu hỏi này đã kết thúc rồi ạ.', [{ kind: 'postback', title: 'Thi thử', payload: '#quiz:menu' }], false)]);
    }
    if (kind === 'stop') {
      const participation = this.quiz.engine.participationOf(user.channel, user.userId);
      if (participation) return this.leaveSession(participation);
      return this.stopSolo(user);
    }
    return this.menu();
  }

  // ---------- trainer sessions ----------

  private pendingJoin(user: SoloUser): { sessionId: string; code: string; title: string } | undefined {
    const repo = this.quiz.engine;
    const pending = repo.pendingJoinOf(user.channel, user.userId);
    if (!pending) return undefined;
    if (this.quiz.clock.now() - pending.askedAt > PENDING_JOIN_MS) {
      repo.clearPendingJoin(user.channel, user.userId);
      return undefined;
    }
    return pending;
  }

  private joinCommand(code: string, original: string, user: SoloUser): Reply {
    const session = this.quiz.engine.findByCode(code);
    if (!session) {
      return plainReply(`Dạ, em không tìm thấy phòng thi đang mở có mã ${code}. Anh/chị kiểm tra lại mã với giảng viên giúp em ạ.`, 'quiz');
    }
    const already = this.quiz.engine.participantInSession(session.id, user.channel, user.userId);
    if (already) return this.sessionStatus(already);
    const after = original.slice(original.indexOf(code) + code.length).replace(/^[\s,:;.–-]+/, '');
    if (after && cleanName(after)) return this.completeJoin({ sessionId: session.id, code, title: session.title }, after, user);
    this.quiz.engine.askNameFor(user.channel, user.userId, session.id);
    return plainReply(
      `Dạ, anh/chị đang vào phòng thi "${session.title}" (mã ${code}). Anh/chị nhắn tên hiển thị của mình (tối đa ${MAX_NAME_CHARS} ký tự, ví dụ: Nguyễn Văn An - xã Hương Mai) ạ.`,
      'quiz',
    );
  }

  private completeJoin(pending: { sessionId: string; code: string; title: string }, text: string, user: SoloUser): Reply {
    if (isStopRequest(text)) {
      this.quiz.engine.clearPendingJoin(user.channel, user.userId);
      return plainReply('Dạ, em đã hủy việc vào phòng thi ạ.', 'quiz');
    }
    const name = cleanName(text);
    if (!name) return plainReply(`Dạ, tên hiển thị cần từ 1 đến ${MAX_NAME_CHARS} ký tự. Anh/chị nhắn lại tên ngắn hơn giúp em ạ.`, 'quiz');
    try {
      const participant = this.quiz.engine.join(pending.code, { channel: user.channel, userId: user.userId, name });
      this.quiz.engine.clearPendingJoin(user.channel, user.userId);
      this.quiz.solo.stop(user);
      const view = this.quiz.engine.trainerView(participant.sessionId)!;
      const messages: OutgoingMessage[] = [
        {
          type: 'text',
          text: `Dạ, chào ${participant.name}! Anh/chị đã vào phòng thi "${view.title}" (${view.participants.length} người, ${view.total} câu, ${view.settings.secondsPerQuestion} giây mỗi câu). Câu hỏi sẽ được gửi tới đây khi giảng viên bắt đầu; nhắn A, B, C hoặc D để trả lời, nhắn "dừng" để rời phòng ạ.`,
        },
      ];
      const open = this.quiz.engine.currentQuestionMessage(participant.sessionId);
      if (open) messages.push(open);
      return reply(messages);
    } catch (error) {
      this.quiz.engine.clearPendingJoin(user.channel, user.userId);
      if (error instanceof QuizError) return plainReply(`Dạ, ${lowerFirst(error.message)}`, 'quiz');
      throw error;
    }
  }

  /** A participant's turn while the session is open: an answer, "dừng", or "câu hỏi" to see it again. */
  private liveTurn(p: ParticipantRow, text: string, digitsOk: boolean): Reply | undefined {
    if (isStopRequest(text)) return this.leaveSession(p);
    const folded = fold(text);
    if (/^(xem )?(cau hoi|cau hien tai|de bai)( hien tai)?$/.test(folded)) return this.sessionStatus(p);
    const view = this.quiz.engine.trainerView(p.sessionId);
    const optionCount = view?.current?.options.length ?? 4;
    const answer = parseAnswer(text, optionCount);
    const questionOpen = view?.current !== undefined && !view.current.closed;
    if (!answer || (answer.byDigit && !digitsOk && !questionOpen)) return undefined;
    const outcome = this.quiz.engine.answer(p.id, answer.choice, answer.number);
    const n = (outcome.position ?? view?.current?.position ?? 0) + 1;
    switch (outcome.status) {
      case 'accepted':
        return plainReply(`Dạ, em đã ghi nhận đáp án ${LETTERS[answer.choice]} cho câu ${n}. Kết quả sẽ có khi hết giờ ạ.`, 'quiz');
      case 'duplicate':
        return plainReply(`Dạ, anh/chị đã trả lời câu ${n} rồi, mỗi câu chỉ được trả lời một lần ạ.`, 'quiz');
      case 'late':
        return plainReply(`Dạ, câu ${n} đã hết giờ nên em không ghi nhận được đáp án này ạ.`, 'quiz');
      case 'not_running':
        return view?.status === 'lobby'
          ? plainReply('Dạ, phiên thi chưa bắt đầu, anh/chị chờ giảng viên bắt đầu nhé ạ.', 'quiz')
          : plainReply('Dạ, hiện không có câu hỏi nào đang mở ạ.', 'quiz');
      default:
        return plainReply('Dạ, câu hỏi đó chưa mở ạ.', 'quiz');
    }
  }

  private sessionStatus(p: ParticipantRow): Reply {
    const view = this.quiz.engine.trainerView(p.sessionId)!;
    if (view.status === 'lobby') {
      return plainReply(`Dạ, anh/chị đang ở phòng thi "${view.title}" (${view.participants.length} người). Phiên thi chưa bắt đầu, anh/chị chờ giảng viên nhé ạ.`, 'quiz');
    }
    const open = this.quiz.engine.currentQuestionMessage(p.sessionId);
    const me = view.leaderboard.find((e) => e.participantId === p.id);
    const standing = me ? `Điểm hiện tại: ${me.score}.` : '';
    if (open) return reply([{ type: 'text', text: `Dạ, anh/chị đang thi "${view.title}". ${standing}` }, open]);
    return plainReply(`Dạ, anh/chị đang thi "${view.title}". ${standing} Câu tiếp theo sẽ được gửi khi giảng viên chuyển câu ạ.`, 'quiz');
  }

  private leaveSession(p: ParticipantRow): Reply {
    this.quiz.engine.leave(p.id);
    return plainReply('Dạ, anh/chị đã rời phòng thi. Kết quả các câu đã trả lời vẫn được giữ ạ.', 'quiz');
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The topic a request names ("thi thử kinh tế số"); null for "tất cả"; undefined when none. */
function topicIn(folded: string): QuizTopic | null | undefined {
  for (const [topic, keys] of TOPIC_KEYS) if (keys.some((k) => folded.includes(k))) return topic;
  if (/\btat ca (chu de|linh vuc)\b/.test(folded)) return null;
  return undefined;
}

/** "10 câu", "cho 5 cau hoi": how many questions are asked for. */
function countIn(folded: string): number | undefined {
  const m = /\b(\d{1,2}) cau\b/.exec(folded);
  if (!m) return undefined;
  return Math.max(1, Math.min(MAX_SOLO_QUESTIONS, Number(m[1])));
}
