/**
 * A checked quiz question, whether curated in `knowledge/quiz/*.yaml` or generated from the
 * plans' records. The bank builder checks every question before it is used: exactly one
 * correct option, distinct options, the correct option traceable to a record or a line.
 */
import { z } from 'zod';

export const QUIZ_TOPICS = [
  'chinh-quyen-so',
  'kinh-te-so',
  'xa-hoi-so',
  'ha-tang-so',
  'du-lieu-so',
  'an-toan-thong-tin',
  'nhan-luc-so',
  'co-quan-dang-doan-the',
] as const;
export type QuizTopic = (typeof QUIZ_TOPICS)[number];

/** Vietnamese names of the topics, for menus and the trainer console. */
export const QUIZ_TOPIC_NAMES: Record<QuizTopic, string> = {
  'chinh-quyen-so': 'Chính quyền số',
  'kinh-te-so': 'Kinh tế số',
  'xa-hoi-so': 'Xã hội số',
  'ha-tang-so': 'Hạ tầng số',
  'du-lieu-so': 'Dữ liệu số',
  'an-toan-thong-tin': 'An toàn thông tin',
  'nhan-luc-so': 'Nhân lực số',
  'co-quan-dang-doan-the': 'Cơ quan đảng – đoàn thể',
};

export const QuizSourceSchema = z.strictObject({
  /** Document id ("001") as in knowledge/sources/sources.yaml. */
  doc: z.string().min(1),
  /** Section or appendix row, e.g. "Phụ lục I, mục II.1". */
  section: z.string().default(''),
  /** 1-based inclusive line range in the source file. */
  lines: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  /** Record id when generated from a record ("001:III:4.2.1"). */
  recordId: z.string().optional(),
});
export type QuizSource = z.infer<typeof QuizSourceSchema>;

export const QuizQuestionSchema = z.strictObject({
  /** Stable id: curated "cur-<file>-<id in the file>" or generated "gen-<kind>-<record id>". */
  id: z.string().min(1),
  stem: z.string().min(10),
  /** 2–4 options; A–D in this order. */
  options: z.array(z.string().min(1).max(200)).min(2).max(4),
  /** Index into options of the one correct answer. */
  correct: z.number().int().min(0).max(3),
  /** Why, quoting the document; shown after the learner answers. */
  explanation: z.string().min(1),
  source: QuizSourceSchema,
  topic: z.enum(QUIZ_TOPICS),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  origin: z.enum(['curated', 'generated']),
  /** What kind of fact it asks: target value, lead unit, document fact, budget, … */
  kind: z.string().default('fact'),
  /**
   * The words of the cited lines that make the correct option right, when the option is
   * worded differently ("trên 70%" for the option "70%", "Sở TT&TT" for "Sở Thông tin và
   * Truyền thông"). The bank checks it occurs in the cited lines; never shown to learners.
   */
  evidence: z.string().min(1).optional(),
});
export type QuizQuestion = z.infer<typeof QuizQuestionSchema>;
