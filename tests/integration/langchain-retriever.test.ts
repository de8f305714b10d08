/**
 * The knowledge base behind LangChain's interfaces: the retriever returns Documents that
 * say where they came from, and the embedding model is a LangChain Embeddings.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Embeddings } from '@langchain/core/embeddings';
import { KnowledgeBaseRetriever } from '../../src/retrieval/langchain-retriever.ts';
import { LocalEmbeddings } from '../../src/retrieval/embeddings.ts';
import { loadConfig } from '../../src/config.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

let assistant: Assistant;
beforeAll(async () => {
  assistant = await testAssistant();
});
afterAll(() => assistant?.close());

describe('LangChain integration', () => {
  test('the retriever answers invoke() with cited Documents', async () => {
    const retriever = new KnowledgeBaseRetriever(assistant.kb, { limit: 3 });
    const docs = await retriever.invoke('ty le thanh toan truc tuyen tren cong dich vu cong quoc gia');
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0]!.pageContent).toContain('60%');
    expect(docs[0]!.metadata).toMatchObject({ docId: '001', date: '12/2023' });
    expect(docs[0]!.metadata.section.length).toBeGreaterThan(0);
    expect(docs[0]!.metadata.lineStart).toBeLessThanOrEqual(docs[0]!.metadata.lineEnd);
  });

  test('the bundled model is a LangChain Embeddings and the hybrid index uses it', async () => {
    const embeddings = await LocalEmbeddings.load({ modelDir: loadConfig({}).embedding.modelDir });
    expect(embeddings).toBeInstanceOf(Embeddings);
    const [v] = await embeddings.embedDocuments(['chuyển đổi số']);
    expect(v).toHaveLength(embeddings.dimensions);
    expect(assistant.kb.hasVectors).toBe(true);
  });
});
