// An answer worker's entry: worker threads do not inherit tsx's loader, so this plain module
// registers it and then loads the TypeScript worker (src/answering/answer-worker.ts).
import { tsImport } from 'tsx/esm/api';

await tsImport('./answer-worker.ts', import.meta.url);
