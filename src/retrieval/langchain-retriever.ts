/**
 * The knowledge base behind LangChain's retriever interface, so it plugs into LangChain
 * chains (an optional LLM later) unchanged. Each Document carries where it came from.
 */
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { formatSectionPath } from '../kb/types.ts';
import type { KnowledgeBase, SearchOptions } from './knowledge-base.ts';

export interface ChunkMetadata {
  chunkId: string;
  docId: string;
  docTitle: string;
  section: string;
  date: string;
  lineStart: number;
  lineEnd: number;
  score: number;
  [key: string]: unknown;
}

export class KnowledgeBaseRetriever extends BaseRetriever<ChunkMetadata> {
  lc_namespace = ['bacgiang', 'retrievers'];

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly options: SearchOptions = {},
    fields?: BaseRetrieverInput,
  ) {
    super(fields);
  }

  override async _getRelevantDocuments(query: string): Promise<Document<ChunkMetadata>[]> {
    const hits = await this.kb.search(query, this.options);
    return hits.map(
      (h) =>
        new Document<ChunkMetadata>({
          pageContent: h.chunk.text,
          id: h.chunk.id,
          metadata: {
            chunkId: h.chunk.id,
            docId: h.chunk.docId,
            docTitle: h.doc.shortName,
            section: formatSectionPath(h.chunk.sectionPath),
            date: h.chunk.date,
            lineStart: h.chunk.lineStart,
            lineEnd: h.chunk.lineEnd,
            score: h.score,
          },
        }),
    );
  }
}
