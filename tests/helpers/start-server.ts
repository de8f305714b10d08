/**
 * Starts the real assistant (`src/main.ts`) as a child process on a free port of
 * 127.0.0.1, with its own temporary DATA_DIR, and resolves once `GET /healthz` answers
 * 200. Integration and browser tests share it so they exercise the real wiring, the real
 * SQLite file and the real index build.
 *
 * @example
 *   const server = await startServer();
 *   try {
 *     const res = await fetch(`${server.baseUrl}/api/chat`, { method: 'POST', … });
 *   } finally {
 *     await server.stop();
 *   }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartServerOptions {
  /** Extra environment for the child; overrides the defaults below (PORT, HOST, DATA_DIR, LOG_LEVEL). */
  env?: Record<string, string>;
  /** How long to wait for /healthz to say 200 (index build included). Default 180 s. */
  readyTimeoutMs?: number;
  /**
   * A DATA_DIR holding an already built index (e.g. `inject('indexDataDir')` from the
   * global setup): its SQLite files are copied into the temp DATA_DIR so start-up skips
   * the build. Without it the server builds its index from scratch.
   */
  seedDataDir?: string;
  /** Entry module relative to the project root (or absolute). Default `src/main.ts`. */
  entry?: string;
}

export interface RunningServer {
  /** e.g. "http://127.0.0.1:43121" (no trailing slash). */
  baseUrl: string;
  /** Stops the whole process group and removes the temporary DATA_DIR. Safe to call twice. */
  stop(): Promise<void>;
  /** Everything the child wrote to stdout and stderr so far, for failure messages. */
  logs(): string;
  /**
   * Kills the process group at once with SIGKILL (no graceful shutdown), as a crash would,
   * and waits for it to exit. Keeps the data: pass your own `env.DATA_DIR` to restart on it.
   */
  kill(): Promise<void>;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_LOG_CHARS = 200_000;

/** A port the OS just handed out; released before the child binds it (a tiny race we accept). */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') {
        srv.close();
        fail(new Error('could not get a free port'));
        return;
      }
      const { port } = address;
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group (tsx spawns its own child on some versions).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'bg-assistant-test-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  if (opts.seedDataDir) {
    for (const f of ['assistant.db', 'assistant.db-wal', 'assistant.db-shm']) {
      const from = join(opts.seedDataDir, f);
      if (existsSync(from)) await copyFile(from, join(dataDir, f));
    }
  }
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };

  const child = spawn(process.execPath, ['--import', 'tsx', opts.entry ?? 'src/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      ...opts.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: opts.env?.DATA_DIR ?? dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() can kill it whole
  });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((ok) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      ok();
    });
  });
  child.once('error', (error) => {
    output += `\n[start-server] spawn failed: ${error.message}\n`;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const gone = await Promise.race([exitPromise.then(() => true), sleep(5000).then(() => false)]);
      if (!gone) {
        killGroup(child, 'SIGKILL');
        await Promise.race([exitPromise, sleep(2000)]);
      }
    }
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  try {
    for (;;) {
      if (exited) {
        throw new Error(`server exited before it was ready (code ${exited.code}, signal ${exited.signal}). Logs:\n${output}`);
      }
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        throw new Error(`server at ${baseUrl} not healthy within ${opts.readyTimeoutMs ?? 180_000} ms. Logs:\n${output}`);
      }
      await sleep(200);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const kill = async (): Promise<void> => {
    if (!exited) {
      killGroup(child, 'SIGKILL');
      await Promise.race([exitPromise, sleep(5000)]);
    }
  };

  return { baseUrl, stop, logs: () => output, kill };
}
