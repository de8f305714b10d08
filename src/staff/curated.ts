/**
 * Curated answers (Dify's annotation replies): staff write an answer with its source and the
 * questions it answers; the assistant gives it for those questions and close paraphrases
 * before searching the documents, with its source and date. Stored in SQLite (a change takes
 * effect on the next message), exported to and imported from `knowledge/curated/*.yaml` so
 * they are reviewed like the rest of the knowledge.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import type { Db } from '../storage/database.ts';
import type { Step } from '../core/dialogue.ts';
import type { Reply } from '../core/messages.ts';
import { similarity, topicTerms, type Analyzer } from './similarity.ts';

export interface CuratedAnswer {
  id: string;
  questions: string[];
  answer: string;
  /** Document and section, a URL, or "Cán bộ <đơn vị> trả lời ngày …". */
  source: string;
  status: 'active' | 'withdrawn';
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

export const CuratedInputSchema = z.strictObject({
  questions: z.array(z.string().trim().min(3).max(500)).min(1).max(30),
  answer: z.string().trim().min(1).max(1800),
  source: z.string().trim().min(2).max(300),
});
export type CuratedInput = z.infer<typeof CuratedInputSchema>;

const FileSchema = z.object({
  answers: z.array(
    CuratedInputSchema.extend({
      id: z.string().regex(/^[\w-]{1,64}$/),
      status: z.enum(['active', 'withdrawn']).default('active'),
      createdBy: z.string().optional(),
      updatedBy: z.string().optional(),
      updatedAt: z.string().optional(),
    }),
  ),
});

/** How alike a question must be to one of a curated answer's questions (Dice of topic words). */
export const CURATED_MIN_SIMILARITY = 0.72;

interface Row {
  id: string;
  questions_json: string;
  answer: string;
  source: string;
  status: 'active' | 'withdrawn';
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
}

export function vnDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
}

export class CuratedAnswers {
  /** Topic words of the active answers' questions, rebuilt after every change. */
  private index: Array<{ answer: CuratedAnswer; terms: Array<Set<string>> }> | undefined;
  /** What the table looked like when `index` was built: an edit by another thread (the server's, seen from an answer worker) shows up here. */
  private indexedVersion = '';

  constructor(
    private readonly db: Db,
    private readonly analyze: Analyzer,
    private readonly minSimilarity = CURATED_MIN_SIMILARITY,
  ) {}

  list(options: { includeWithdrawn?: boolean } = {}): CuratedAnswer[] {
    const rows = this.db.prepare(`SELECT * FROM curated_answers ${options.includeWithdrawn ? '' : "WHERE status = 'active'"} ORDER BY updated_at DESC`).all() as Row[];
    return rows.map(toAnswer);
  }

  get(id: string): CuratedAnswer | undefined {
    const row = this.db.prepare('SELECT * FROM curated_answers WHERE id = ?').get(id) as Row | undefined;
    return row && toAnswer(row);
  }

  create(input: CuratedInput, staff: string, now = Date.now(), id = `ca-${randomBytes(4).toString('hex')}`): CuratedAnswer {
    this.db
      .prepare("INSERT INTO curated_answers (id, questions_json, answer, source, status, created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)")
      .run(id, JSON.stringify(input.questions), input.answer, input.source, staff, now, staff, now);
    this.index = undefined;
    return this.get(id)!;
  }

  update(id: string, input: Partial<CuratedInput> & { status?: 'active' | 'withdrawn' }, staff: string, now = Date.now()): CuratedAnswer | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as CuratedAnswer;
    this.db
      .prepare('UPDATE curated_answers SET questions_json = ?, answer = ?, source = ?, status = ?, updated_by = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(next.questions), next.answer, next.source, next.status, staff, now, id);
    this.index = undefined;
    return this.get(id);
  }

  /** Withdrawn answers stay on record (who wrote what, when) but are no longer given. */
  withdraw(id: string, staff: string, now = Date.now()): CuratedAnswer | undefined {
    return this.update(id, { status: 'withdrawn' }, staff, now);
  }

  /** Changes whenever an answer is added, edited or withdrawn (`updated_at` only grows). */
  private version(): string {
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), 0) AS latest, COALESCE(SUM(updated_at), 0) AS total FROM curated_answers').get() as { n: number; latest: number; total: number };
    return `${row.n}:${row.latest}:${row.total}`;
  }

  /** The active answer for this question or a close paraphrase, if any. */
  match(text: string): { answer: CuratedAnswer; score: number } | undefined {
    const version = this.version();
    if (version !== this.indexedVersion) {
      this.index = undefined;
      this.indexedVersion = version;
    }
    this.index ??= this.list().map((answer) => ({ answer, terms: answer.questions.map((q) => topicTerms(q, this.analyze)) }));
    if (this.index.length === 0) return undefined;
    const asked = topicTerms(text, this.analyze);
    if (asked.size === 0) return undefined;
    let best: { answer: CuratedAnswer; score: number } | undefined;
    for (const entry of this.index) {
      for (const terms of entry.terms) {
        const score = similarity(asked, terms);
        if (score >= this.minSimilarity && (!best || score > best.score)) best = { answer: entry.answer, score };
      }
    }
    return best;
  }

  /** Writes every answer (withdrawn ones too, marked) to `<dir>/answers.yaml`. */
  exportTo(dir: string): { file: string; count: number } {
    mkdirSync(dir, { recursive: true });
    const answers = this.list({ includeWithdrawn: true }).map((a) => ({
      id: a.id,
      status: a.status,
      questions: a.questions,
      answer: a.answer,
      source: a.source,
      createdBy: a.createdBy,
      updatedBy: a.updatedBy,
      updatedAt: new Date(a.updatedAt).toISOString(),
    }));
    const file = join(dir, 'answers.yaml');
    const header = `# Câu trả lời do cán bộ biên soạn (curated answers), xuất lúc ${new Date().toISOString()}.\n# Sửa ở đây rồi nhập lại (POST /api/admin/answers/import), hoặc sửa trên /admin.html.\n`;
    writeFileSync(file, header + stringify({ answers }, { lineWidth: 0 }), 'utf8');
    return { file, count: answers.length };
  }

  /** Reads every `*.yaml` of the folder and stores its answers (same id: replaced). */
  importFrom(dir: string, staff: string, now = Date.now()): { created: number; updated: number; problems: string[] } {
    const result = { created: 0, updated: 0, problems: [] as string[] };
    if (!existsSync(dir)) return result;
    for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      let parsed;
      try {
        parsed = FileSchema.safeParse(parse(readFileSync(join(dir, f), 'utf8')));
      } catch (error) {
        result.problems.push(`${f}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (!parsed.success) {
        result.problems.push(`${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        continue;
      }
      for (const a of parsed.data.answers) {
        const input = { questions: a.questions, answer: a.answer, source: a.source };
        if (this.get(a.id)) {
          this.update(a.id, { ...input, status: a.status }, staff, now);
          result.updated += 1;
        } else {
          this.create(input, a.createdBy ?? staff, now, a.id);
          if (a.status === 'withdrawn') this.update(a.id, { status: 'withdrawn' }, staff, now);
          result.created += 1;
        }
      }
    }
    return result;
  }
}

function toAnswer(r: Row): CuratedAnswer {
  return {
    id: r.id,
    questions: JSON.parse(r.questions_json) as string[],
    answer: r.answer,
    source: r.source,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

/** The reply for a curated answer: the staff's text, then its source and date. */
export function curatedReply(answer: CuratedAnswer, score: number): Reply {
  const date = vnDate(answer.updatedAt);
  return {
    messages: [{ type: 'text', text: `${answer.answer}\n\nNguồn: ${answer.source} (cập nhật ngày ${date})` }],
    intent: 'curated',
    sources: [{ doc: `curated:${answer.id}`, title: answer.source, section: 'Câu trả lời do cán bộ biên soạn', date }],
    confidence: Math.min(1, score),
  };
}

/** A pipeline step (among the screens, before the classifier): a curated answer comes before the documents. */
export function curatedStep(store: CuratedAnswers): Step {
  return (turn, next) => {
    if (turn.text.startsWith('#') || turn.message.type !== 'text') return next();
    const found = store.match(turn.text);
    return found ? curatedReply(found.answer, found.score) : next();
  };
}
