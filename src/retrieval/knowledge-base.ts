/**
 * The loaded knowledge base: chunks and document metadata from SQLite, a BM25 index and a
 * vector index in memory, and hybrid search over both (weighted reciprocal rank fusion).
 */
import { foldDiacritics } from '../nlu/vietnamese.ts';
import type { Db } from '../storage/database.ts';
import type { Chunk, DocumentMeta } from '../kb/types.ts';
import { indexTextOf } from '../kb/build-index.ts';
import { LexicalIndex, type Analyzer } from './lexical-index.ts';
import { VectorIndex, blobToVector } from './vector-index.ts';

export interface QueryEmbedder {
  embedQuery(text: string): Promise<number[]>;
}

export interface SearchWeights {
  lexicalWeight: number;
  vectorWeight: number;
  rrfK: number;
}

export interface SearchHit {
  chunk: Chunk;
  doc: DocumentMeta;
  /** Fused score (higher is better); comparable only within one query. */
  score: number;
  lexicalScore: number;
  lexicalRank?: number;
  vectorScore: number;
  vectorRank?: number;
  /** Share of the query's topic syllables found in the chunk or its headings, weighted by rarity (0..1). */
  coverage: number;
  /** Share of the query's two-syllable words found in the chunk (undefined for one-word questions). */
  phraseCoverage?: number;
}

export interface SearchOptions {
  limit?: number;
  /** Only these documents. */
  docIds?: readonly string[];
  /** Turn off one side, e.g. for the lexical-only baseline. */
  mode?: 'hybrid' | 'lexical' | 'vector';
  /**
   * Multiplies a chunk's fused score: the dialogue prefers the kind of passage that holds
   * the kind of fact asked for (table rows hold who leads a task; targets carry a "%").
   */
  boost?: (chunk: Chunk) => number;
}

/** A document a question names, and the words that named it. */
export interface NamedDocument {
  docId: string;
  alias: string;
}

/** Rows as stored by the index builder. */
interface ChunkRow {
  id: string;
  doc_id: string;
  section_path_json: string;
  text: string;
  line_start: number;
  line_end: number;
  date: string;
  kind: Chunk['kind'];
  vector: Buffer | null;
}

export class KnowledgeBase {
  private readonly chunkIndexById = new Map<string, number>();
  private readonly aliasIndex: Array<{ folded: string; docId: string }>;

  private constructor(
    readonly chunks: readonly Chunk[],
    readonly documents: ReadonlyMap<string, DocumentMeta>,
    private readonly lexical: LexicalIndex,
    private readonly vectors: VectorIndex | undefined,
    private readonly embedder: QueryEmbedder | undefined,
    private readonly weights: SearchWeights,
    private readonly queryPrefix: string,
    private readonly analyzer: Analyzer,
  ) {
    chunks.forEach((c, i) => this.chunkIndexById.set(c.id, i));
    this.aliasIndex = [...documents.values()].flatMap((d) =>
      [d.number, ...d.aliases]
        .filter((a) => a && !a.startsWith('…'))
        .map((a) => ({ folded: foldDiacritics(a).replace(/\s+/g, ' ').trim(), docId: d.id })),
    );
  }

  /** Loads what `buildKnowledgeIndex` stored and builds the in-memory indexes. */
  static load(opts: {
    db: Db;
    analyzer: Analyzer;
    embedder?: QueryEmbedder;
    weights: SearchWeights;
    queryPrefix?: string;
  }): KnowledgeBase {
    const docs = new Map<string, DocumentMeta>();
    for (const row of opts.db.prepare('SELECT meta_json FROM kb_documents ORDER BY id').all() as Array<{ meta_json: string }>) {
      const meta = JSON.parse(row.meta_json) as DocumentMeta;
      docs.set(meta.id, meta);
    }
    const rows = opts.db
      .prepare(
        `SELECT c.id, c.doc_id, c.section_path_json, c.text, c.line_start, c.line_end, c.date, c.kind, v.vector
         FROM kb_chunks c LEFT JOIN kb_vectors v ON v.chunk_id = c.id ORDER BY c.seq`,
      )
      .all() as ChunkRow[];
    const chunks: Chunk[] = rows.map((r) => ({
      id: r.id,
      docId: r.doc_id,
      sectionPath: JSON.parse(r.section_path_json) as string[],
      text: r.text,
      lineStart: r.line_start,
      lineEnd: r.line_end,
      date: r.date,
      kind: r.kind,
    }));
    const lexical = LexicalIndex.build(chunks.map(indexTextOf), opts.analyzer);
    let vectors: VectorIndex | undefined;
    const withVectors = rows.filter((r) => r.vector);
    if (opts.embedder && withVectors.length === rows.length && rows.length > 0) {
      const decoded = rows.map((r) => blobToVector(r.vector!));
      vectors = VectorIndex.fromVectors(decoded, decoded[0]!.length);
    }
    return new KnowledgeBase(chunks, docs, lexical, vectors, vectors ? opts.embedder : undefined, opts.weights, opts.queryPrefix ?? '', opts.analyzer);
  }

  get hasVectors(): boolean {
    return this.vectors !== undefined;
  }

  /** Documents a question names by number or alias ("Đề án 10", "KH CĐS 2024"), longest alias first. */
  documentsNamedIn(query: string): NamedDocument[] {
    const q = ' ' + foldQuery(query) + ' ';
    const found = new Map<string, NamedDocument>();
    for (const { folded, docId } of [...this.aliasIndex].sort((a, b) => b.folded.length - a.folded.length)) {
      if (!found.has(docId) && q.includes(' ' + folded + ' ')) found.set(docId, { docId, alias: folded });
    }
    return [...found.values()];
  }

  /**
   * The question without the words that name a document, so "Công an tỉnh được giao gì
   * trong kế hoạch chuyển đổi số 2024" searches for the task, within the named plan.
   */
  private withoutDocumentNames(query: string, named: readonly NamedDocument[]): string {
    if (named.length === 0) return query;
    let q = ' ' + foldQuery(query) + ' ';
    for (const n of named) q = q.replace(' ' + n.alias + ' ', ' ');
    const rest = q.trim();
    return this.lexical.queryKeywords(rest).length >= 1 ? rest : query;
  }

  /** The question without the words that name a document ("kế hoạch của Sở TT&TT" names a plan, not an agency). */
  withoutDocumentNamesIn(query: string): string {
    const named = this.documentsNamedIn(query);
    return named.length === 0 ? query : this.withoutDocumentNames(query, named);
  }

  /** Topic syllables of a query (folded, without the words naming a document), for coverage and sentence picking. */
  keywords(query: string): string[] {
    return this.lexical.queryKeywords(this.withoutDocumentNames(query, this.documentsNamedIn(query)));
  }

  /** Pairs of adjacent topic syllables of a query (its two-syllable words), folded. */
  phrases(query: string): string[] {
    return this.lexical.queryPhrases(this.withoutDocumentNames(query, this.documentsNamedIn(query)));
  }

  /** The adjacent syllable pairs of a text as the index sees them, folded. */
  phrasesOf(text: string): Set<string> {
    const tokens = this.analyzer(text, 'document').map((t) => foldDiacritics(t));
    return new Set(tokens.slice(1).map((t, i) => `${tokens[i]} ${t}`));
  }

  /** A text's words as the index sees them: analysed (abbreviations expanded) and folded. */
  termsOf(text: string): Set<string> {
    return new Set(this.analyzer(text, 'document').map((t) => foldDiacritics(t)));
  }

  chunkById(id: string): Chunk | undefined {
    const i = this.chunkIndexById.get(id);
    return i === undefined ? undefined : this.chunks[i];
  }

  /** Chunks of a document in document order (for showing a whole list or table group). */
  neighbours(chunk: Chunk): Chunk[] {
    return this.chunks.filter((c) => c.docId === chunk.docId && sameSection(c.sectionPath, chunk.sectionPath));
  }

  /**
   * Hybrid search: BM25 and cosine ranks fused with weighted reciprocal rank fusion,
   * with a small boost for chunks of a document the question names.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = options.limit ?? 8;
    const mode = options.mode ?? 'hybrid';
    const allowed = options.docIds ? new Set(options.docIds) : undefined;
    const filter = allowed ? (i: number) => allowed.has(this.chunks[i]!.docId) : undefined;
    const pool = Math.max(50, limit * 4);

    const namedDocs = this.documentsNamedIn(query);
    const named = new Set(namedDocs.map((n) => n.docId));
    const topic = this.withoutDocumentNames(query, namedDocs);
    const lexicalHits = mode === 'vector' ? [] : this.lexical.search(topic, pool, filter);
    let vectorHits: Array<{ index: number; score: number }> = [];
    if (mode !== 'lexical' && this.vectors && this.embedder && this.weights.vectorWeight > 0) {
      const qv = await this.embedder.embedQuery(this.queryPrefix + query);
      vectorHits = this.vectors.search(qv, pool, filter);
    }

    const keywords = this.lexical.queryKeywords(topic);
    const phrases = this.lexical.queryPhrases(topic);
    const fused = new Map<number, SearchHit>();
    const entry = (index: number): SearchHit => {
      let hit = fused.get(index);
      if (!hit) {
        const chunk = this.chunks[index]!;
        hit = {
          chunk,
          doc: this.documents.get(chunk.docId)!,
          score: 0,
          lexicalScore: 0,
          vectorScore: 0,
          coverage: this.lexical.coverage(index, keywords),
          phraseCoverage: this.lexical.phraseCoverage(index, phrases),
        };
        fused.set(index, hit);
      }
      return hit;
    };
    const k = this.weights.rrfK;
    const lexW = mode === 'vector' ? 0 : this.weights.lexicalWeight;
    const vecW = mode === 'lexical' ? 0 : this.weights.vectorWeight;
    lexicalHits.forEach((h, rank) => {
      const e = entry(h.index);
      e.lexicalScore = h.score;
      e.lexicalRank = rank + 1;
      e.score += lexW / (k + rank + 1);
    });
    vectorHits.forEach((h, rank) => {
      const e = entry(h.index);
      e.vectorScore = h.score;
      e.vectorRank = rank + 1;
      e.score += vecW / (k + rank + 1);
    });
    for (const hit of fused.values()) {
      if (named.has(hit.chunk.docId)) hit.score *= 1.5;
      if (options.boost) hit.score *= options.boost(hit.chunk);
    }
    return [...fused.values()]
      .sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id))
      .slice(0, limit);
  }
}

/** Folded, with punctuation other than what document numbers use turned into spaces. */
function foldQuery(text: string): string {
  return foldDiacritics(text).replace(/[^\p{L}\p{N}/&.-]+/gu, ' ').replace(/\s+/g, ' ').trim();
}

function sameSection(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
