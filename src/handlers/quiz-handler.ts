/**
 * The `quiz` intent ("thi thử", "trắc nghiệm", "quiz"): hands the turn to the quiz activity
 * (src/handlers/quiz-chat.ts), or says the quiz is not available when it is not wired.
 */
import { plainReply, type Handler } from '../core/dialogue.ts';

export const quizHandler: Handler = (ctx) =>
  ctx.services.activities?.quiz?.open(ctx) ??
  plainReply('Dạ, phần thi trắc nghiệm đang được hoàn thiện. Trong lúc chờ, anh/chị có thể hỏi em về nội dung các kế hoạch ạ.', 'quiz');
