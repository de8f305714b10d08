/**
 * The question bank for the running assistant. Building it checks ~400 questions against
 * the documents (about two seconds), so the checked bank is kept in SQLite (kb_meta) with a
 * fingerprint of everything it is built from — the indexed sources, knowledge/quiz,
 * knowledge/records, knowledge/agencies.yaml and the bank and records code — and rebuilt
 * only when one of them changes.
 */
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../storage/database.ts';
import { loadKnowledgeSources } from '../kb/loaders/index.ts';
import { loadAgencyDirectory } from '../records/agencies.ts';
import { extractRecords } from '../records/extract.ts';
import { buildQuestionBank } from './bank.ts';
import { QuizQuestionSchema, type QuizQuestion } from './schema.ts';

const QUIZ_CODE_DIR = dirname(fileURLToPath(import.meta.url));
const RECORDS_CODE_DIR = join(QUIZ_CODE_DIR, '..', 'records');
const CACHE_KEY = 'quiz_bank';
const FINGERPRINT_KEY = 'quiz_bank_fingerprint';

function hashPath(hash: Hash, path: string): void {
  if (!existsSync(path)) return;
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) hashPath(hash, p);
    else if (/\.(ts|ya?ml|json|csv)$/.test(e.name)) hash.update('\0' + p.slice(path.length) + '\0').update(readFileSync(p));
  }
}

/** What the bank depends on, as one hash. */
export function bankFingerprint(db: Db, knowledgeDir: string): string {
  const hash = createHash('sha256');
  const index = db.prepare("SELECT value FROM kb_meta WHERE key = 'fingerprint'").pluck().get() as string | undefined;
  hash.update(index ?? 'no-index');
  for (const p of [join(knowledgeDir, 'quiz'), join(knowledgeDir, 'records'), QUIZ_CODE_DIR, RECORDS_CODE_DIR]) hashPath(hash, p);
  const agencies = join(knowledgeDir, 'agencies.yaml');
  if (existsSync(agencies)) hash.update('\0agencies\0').update(readFileSync(agencies));
  return hash.digest('hex').slice(0, 32);
}

/**
 * The checked bank: from the cache when nothing it depends on changed, else built (and cached).
 * Questions the bank check rejects are logged once per build and never used.
 * @example const questions = await loadQuestionBank({ db, knowledgeDir: config.knowledgeDir, logger });
 */
export async function loadQuestionBank(opts: { db: Db; knowledgeDir: string; logger: Logger }): Promise<QuizQuestion[]> {
  const fingerprint = bankFingerprint(opts.db, opts.knowledgeDir);
  const get = opts.db.prepare('SELECT value FROM kb_meta WHERE key = ?').pluck();
  if (get.get(FINGERPRINT_KEY) === fingerprint) {
    const cached = z.array(QuizQuestionSchema).safeParse(JSON.parse(String(get.get(CACHE_KEY) ?? '[]')));
    if (cached.success) return cached.data;
  }
  const { documents } = await loadKnowledgeSources(join(opts.knowledgeDir, 'sources'));
  const records = extractRecords(documents, join(opts.knowledgeDir, 'records'));
  const agenciesFile = join(opts.knowledgeDir, 'agencies.yaml');
  const agencies = existsSync(agenciesFile) ? loadAgencyDirectory(agenciesFile) : undefined;
  const lines = new Map(documents.map((d) => [d.meta.id, d.lines]));
  const bank = buildQuestionBank({
    knowledgeDir: opts.knowledgeDir,
    records,
    ...(agencies ? { agencies } : {}),
    documents: documents.map((d) => d.meta),
    sourceLines: (id) => lines.get(id) ?? [],
  });
  // Candidates the check leaves out are expected (e.g. a lead that is a group of units); listed at debug level.
  opts.logger.info(`Trắc nghiệm: ngân hàng ${bank.questions.length} câu hỏi đã kiểm tra, bỏ ${bank.rejected.length} (quiz bank built)`, { byDoc: bank.byDoc });
  opts.logger.debug('quiz candidates rejected by the bank check', { rejected: bank.rejected });
  const put = opts.db.prepare('INSERT INTO kb_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  opts.db.transaction(() => {
    put.run(CACHE_KEY, JSON.stringify(bank.questions));
    put.run(FINGERPRINT_KEY, fingerprint);
  })();
  return bank.questions;
}
