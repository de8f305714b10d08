/**
 * Builds the knowledge index once for the whole test run (with the real documents, the
 * shipped model and the real SQLite file); integration tests copy that file into their
 * own temp DATA_DIR so they start in well under a second and never share state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { createAssistant } from '../src/app.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    indexDataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bg-index-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const assistant = await createAssistant(config, { logger: createLogger('warn') });
  assistant.db.pragma('wal_checkpoint(TRUNCATE)');
  assistant.close();
  project.provide('indexDataDir', dataDir);
  return () => rmSync(dataDir, { recursive: true, force: true });
}
