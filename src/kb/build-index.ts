/**
 * The ingestion pipeline, in explicit stages:
 * load (txt, md, pdf, docx) → section → chunks with their source → embeddings → SQLite.
 * A rebuild is deterministic: same inputs, same rows. A broken file is reported and skipped;
 * the rest of the knowledge base still builds.
 */
import { createHash, type Hash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../storage/database.ts';
import { vectorToBlob } from '../retrieval/vector-index.ts';
import { loadKnowledgeSources } from './loaders/index.ts';
import { sectionDocument } from './sectioner.ts';
import type { Chunk, DocumentMeta, LoadedDocument } from './types.ts';
import { extractRecords, recordsSummary } from '../records/extract.ts';
import { saveRecords } from '../records/record-store.ts';

/** Bump when chunking or index layout changes, so old indexes are rebuilt. */
export const INDEX_FORMAT_VERSION = 'kb-5';

/** Source folders whose code shapes the index: a change there means rebuild. */
const CODE_DIRS = [fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(new URL('../records/', import.meta.url))];

function hashTree(hash: Hash, dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, p);
    else if (entry.name.endsWith('.ts')) hash.update('\0' + entry.name + '\0').update(readFileSync(p));
  }
}

/** What the index needs from an embedding model. */
export interface PassageEmbedder {
  readonly modelFingerprint: string;
  embedDocuments(texts: string[]): Promise<number[][]>;
}

export interface BuildReport {
  documents: Array<{ id: string; file: string; chunks: number; byKind: Record<string, number> }>;
  problems: Array<{ file: string; message: string }>;
  chunkCount: number;
  /** Plan records extracted with the index: counts and per-appendix coverage lines. */
  records: { tasks: number; targets: number; responsibilities: number; coverage: number; lines: string[] };
  fingerprint: string;
  millis: { load: number; section: number; embed: number; write: number; total: number };
}

/**
 * A hash of everything the index is made from: the source files, their metadata, the
 * thesaurus, the embedding model and the index format. A change to any of them means rebuild.
 */
export function knowledgeFingerprint(knowledgeDir: string, modelFingerprint: string): string {
  const hash = createHash('sha256').update(INDEX_FORMAT_VERSION).update('\0').update(modelFingerprint);
  const sourcesDir = join(knowledgeDir, 'sources');
  const files = existsSync(sourcesDir) ? readdirSync(sourcesDir).sort() : [];
  for (const f of files) {
    const p = join(sourcesDir, f);
    if (!statSync(p).isFile()) continue;
    hash.update('\0' + f + '\0').update(readFileSync(p));
  }
  const thesaurus = join(knowledgeDir, 'thesaurus.yaml');
  if (existsSync(thesaurus)) hash.update('\0thesaurus\0').update(readFileSync(thesaurus));
  // The code that turns documents into chunks and records is an input too.
  for (const dir of CODE_DIRS) hashTree(hash, dir);
  const recordsDir = join(knowledgeDir, 'records');
  const reviewed = existsSync(recordsDir) ? readdirSync(recordsDir).sort() : [];
  for (const f of reviewed) hash.update('\0records/' + f + '\0').update(readFileSync(join(recordsDir, f)));
  return hash.digest('hex').slice(0, 32);
}

/**
 * A chunk built from a document's metadata (title, number, issuer, date, period), so
 * "Đề án 10 ban hành ngày nào?" is answered from data, with the metadata file as source.
 */
export function documentFactsChunk(meta: DocumentMeta): Chunk {
  const parts = [
    `${meta.title}`,
    meta.number ? `Số hiệu: ${meta.number}.` : '',
    `Cơ quan ban hành: ${meta.issuer}${meta.signer ? ` (người ký: ${meta.signer})` : ''}.`,
    `Ngày ban hành: ${meta.date}.`,
    meta.period ? `Thời kỳ, giai đoạn: ${meta.period}.` : '',
  ];
  return {
    id: `${meta.id}:meta`,
    docId: meta.id,
    sectionPath: ['Thông tin văn bản'],
    text: parts.filter(Boolean).join(' '),
    lineStart: 1,
    lineEnd: 1,
    date: meta.date,
    kind: 'paragraph',
  };
}

/** The text the search indexes for a chunk: its nearest headings give context words. */
export function indexTextOf(chunk: Chunk): string {
  const context = chunk.sectionPath.slice(-2).join('. ');
  return context ? `${context}. ${chunk.text}` : chunk.text;
}

export async function buildKnowledgeIndex(opts: {
  knowledgeDir: string;
  db: Db;
  embedder?: PassageEmbedder;
  passagePrefix?: string;
  logger: Logger;
}): Promise<BuildReport> {
  const { knowledgeDir, db, embedder, logger } = opts;
  const t0 = performance.now();
  const { documents, problems } = await loadKnowledgeSources(join(knowledgeDir, 'sources'));
  for (const p of problems) logger.warn(`Bỏ qua tệp lỗi (skipped): ${p.file}: ${p.message}`);
  const t1 = performance.now();

  const sorted = [...documents].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  const perDoc = sorted.map((doc) => ({ doc, chunks: [documentFactsChunk(doc.meta), ...sectionDocument(doc)] }));
  const allChunks = perDoc.flatMap((d) => d.chunks);
  const t2 = performance.now();

  let vectors: number[][] = [];
  if (embedder) {
    const prefix = opts.passagePrefix ?? '';
    vectors = await embedder.embedDocuments(allChunks.map((c) => prefix + indexTextOf(c)));
  }
  const t3 = performance.now();

  const records = extractRecords(sorted, join(knowledgeDir, 'records'));
  const summary = recordsSummary(records);
  for (const p of records.problems) logger.info(`Bản ghi (records): ${p.file}: ${p.message}`);

  const fingerprint = knowledgeFingerprint(knowledgeDir, embedder?.modelFingerprint ?? 'no-embeddings');
  db.transaction(() => {
    writeIndex(db, perDoc, allChunks, vectors, problems, fingerprint);
    saveRecords(db, records.tasks, records.targets, summary.lines, records.responsibilities, records.groups);
  })();
  const t4 = performance.now();

  return {
    documents: perDoc.map(({ doc, chunks }) => ({
      id: doc.meta.id,
      file: doc.meta.file,
      chunks: chunks.length,
      byKind: chunks.reduce<Record<string, number>>((acc, c) => ((acc[c.kind] = (acc[c.kind] ?? 0) + 1), acc), {}),
    })),
    problems,
    chunkCount: allChunks.length,
    records: { tasks: summary.tasks, targets: summary.targets, responsibilities: summary.responsibilities, coverage: summary.coverage, lines: summary.lines },
    fingerprint,
    millis: { load: t1 - t0, section: t2 - t1, embed: t3 - t2, write: t4 - t3, total: t4 - t0 },
  };
}

function writeIndex(
  db: Db,
  perDoc: Array<{ doc: LoadedDocument; chunks: Chunk[] }>,
  allChunks: Chunk[],
  vectors: number[][],
  problems: Array<{ file: string; message: string }>,
  fingerprint: string,
): void {
  const insertDoc = db.prepare('INSERT INTO kb_documents (id, file, meta_json, content_hash, line_count) VALUES (?, ?, ?, ?, ?)');
  const insertChunk = db.prepare(
    'INSERT INTO kb_chunks (id, seq, doc_id, section_path_json, text, line_start, line_end, date, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertVector = db.prepare('INSERT INTO kb_vectors (chunk_id, vector) VALUES (?, ?)');
  const insertProblem = db.prepare('INSERT INTO kb_problems (file, message) VALUES (?, ?)');
  const setMeta = db.prepare('INSERT INTO kb_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    db.exec('DELETE FROM kb_vectors; DELETE FROM kb_chunks; DELETE FROM kb_documents; DELETE FROM kb_problems;');
    for (const { doc } of perDoc) {
      const hash = createHash('sha256').update(doc.lines.join('\n')).digest('hex').slice(0, 16);
      insertDoc.run(doc.meta.id, doc.meta.file, JSON.stringify(doc.meta), hash, doc.lines.length);
    }
    allChunks.forEach((c, seq) => {
      insertChunk.run(c.id, seq, c.docId, JSON.stringify(c.sectionPath), c.text, c.lineStart, c.lineEnd, c.date, c.kind);
      const v = vectors[seq];
      if (v) insertVector.run(c.id, vectorToBlob(v));
    });
    for (const p of problems) insertProblem.run(p.file, p.message);
    setMeta.run('fingerprint', fingerprint);
    setMeta.run('built_at', new Date().toISOString());
    setMeta.run('chunk_count', String(allChunks.length));
  })();
}

/** The fingerprint the stored index was built from, if any. */
export function storedFingerprint(db: Db): string | undefined {
  const row = db.prepare("SELECT value FROM kb_meta WHERE key = 'fingerprint'").get() as { value: string } | undefined;
  return row?.value;
}
