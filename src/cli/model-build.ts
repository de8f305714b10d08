/**
 * `npm run model:build` — trains the bundled static embedding model from the shipped
 * knowledge and writes it in the transformers.js folder layout.
 *
 * Flags: --sources <dir> (knowledge/sources), --thesaurus <file> (knowledge/thesaurus.yaml),
 * --intents <dir> (intents), --out <dir> (models/bg-static-vi), --dim <n> (256), --seed <n>.
 * Progress goes to stderr; a JSON summary goes to stdout.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadDocument } from '../kb/loaders/index.ts';
import { DocumentMetaSchema } from '../kb/types.ts';
import { parseArgs } from 'node:util';
import { buildModel } from '../model/build.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../model/train.ts';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** PDF and DOCX sources, read with the knowledge loaders (the trainer reads .txt/.md itself). */
async function binaryDocuments(dir: string): Promise<Array<{ file: string; text: string }>> {
  if (!existsSync(dir)) return [];
  const out: Array<{ file: string; text: string }> = [];
  for (const file of readdirSync(dir).filter((f) => /\.(pdf|docx)$/i.test(f)).sort()) {
    const meta = DocumentMetaSchema.parse({ id: file, file, shortName: file, title: file, issuer: '-', date: '-', dateIso: '-' });
    try {
      const doc = await loadDocument(join(dir, file), meta);
      out.push({ file: basename(file), text: doc.lines.join('\n') });
    } catch (err) {
      process.stderr.write(`model:build: skipped ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sources: { type: 'string', default: 'knowledge/sources' },
      thesaurus: { type: 'string', default: 'knowledge/thesaurus.yaml' },
      intents: { type: 'string', default: 'intents' },
      out: { type: 'string', default: 'models/bg-static-vi' },
      dim: { type: 'string' },
      seed: { type: 'string' },
      'train-json': { type: 'string' },
    },
    strict: true,
  });
  const dim = positiveInt('dim', values.dim, DEFAULT_TRAIN_OPTIONS.dim);
  const seed = positiveInt('seed', values.seed, DEFAULT_TRAIN_OPTIONS.seed);
  const outDir = resolve(values.out);
  process.stderr.write(`model:build: training ${dim}-d model from ${values.sources} → ${outDir}\n`);
  const result = buildModel({
    sourcesDir: resolve(values.sources),
    extraDocuments: await binaryDocuments(resolve(values.sources)),
    thesaurusFile: resolve(values.thesaurus),
    intentsDir: resolve(values.intents),
    outDir,
    train: { ...(values['train-json'] ? (JSON.parse(values['train-json']) as object) : {}), dim, seed },
  });
  const totalBytes = Object.values(result.files).reduce((a, f) => a + f.bytes, 0);
  process.stderr.write(
    `model:build: ${result.stats.vocabSize} ids × ${result.stats.dim} d, ${(totalBytes / 1e6).toFixed(2)} MB, ` +
      `${(result.millis.total / 1000).toFixed(2)} s (train ${(result.millis.train / 1000).toFixed(2)} s)\n`,
  );
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`model:build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
