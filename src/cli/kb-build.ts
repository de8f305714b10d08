/**
 * `npm run kb:build`: (re)builds the knowledge index from knowledge/ and prints what it
 * found per document, and every file it had to skip.
 */
import { loadConfig } from '../config.ts';
import { createLogger } from '../core/logger.ts';
import { createAssistant } from '../app.ts';
import { join } from 'node:path';
import { loadKnowledgeSources } from '../kb/loaders/index.ts';
import { loadAgencyDirectory } from '../records/agencies.ts';
import { changesReportLines, loadChanges } from '../changes/index.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const assistant = await createAssistant(config, { logger, forceRebuild: true });
  const report = assistant.buildReport!;
  const out = (s: string) => process.stdout.write(s + '\n');
  out(`Chỉ mục tri thức: ${report.chunkCount} đoạn, ${report.documents.length} văn bản, ${Math.round(report.millis.total)} ms`);
  out(`  (nạp ${Math.round(report.millis.load)} ms, tách mục ${Math.round(report.millis.section)} ms, embedding ${Math.round(report.millis.embed)} ms, ghi ${Math.round(report.millis.write)} ms)`);
  for (const d of report.documents) {
    const kinds = Object.entries(d.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
    out(`  ${d.id} ${d.file}: ${d.chunks} đoạn (${kinds})`);
  }
  for (const p of report.problems) out(`  BỎ QUA (skipped) ${p.file}: ${p.message}`);
  for (const line of report.records.lines) out(line);
  out(`Tìm kiếm vector: ${assistant.kb.hasVectors ? 'bật (on)' : 'tắt (off)'}`);
  assistant.close();
  // What changed since the documents (knowledge/changes.yaml): stale checks, unmarked units.
  const agencies = loadAgencyDirectory(join(config.knowledgeDir, 'agencies.yaml'));
  const changes = loadChanges(config.knowledgeDir, agencies);
  const { documents } = await loadKnowledgeSources(join(config.knowledgeDir, 'sources'));
  const named = documents.flatMap((d) => agencies.resolve(d.lines.join('\n')));
  for (const line of changesReportLines(changes, named, { maxAgeDays: config.changes.maxAgeDays, today: new Date() })) out(line);
}

main().catch((error: unknown) => {
  process.stderr.write(`kb:build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
