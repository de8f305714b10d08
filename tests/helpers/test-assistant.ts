/**
 * An assistant on a private copy of the index built by the global setup: the real
 * documents, model, intents and SQLite, isolated per test file.
 */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createAssistant, type Assistant } from '../../src/app.ts';

export function freshDataDir(): string {
  const source = inject('indexDataDir');
  const dir = mkdtempSync(join(tmpdir(), 'bg-test-'));
  for (const f of ['assistant.db', 'assistant.db-wal', 'assistant.db-shm']) {
    if (existsSync(join(source, f))) copyFileSync(join(source, f), join(dir, f));
  }
  return dir;
}

export async function testAssistant(env: Record<string, string> = {}): Promise<Assistant> {
  const config = loadConfig({ DATA_DIR: freshDataDir(), LOG_LEVEL: 'warn', ...env });
  return createAssistant(config, { logger: createLogger('warn') });
}
