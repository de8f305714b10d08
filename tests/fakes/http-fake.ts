/**
 * A tiny HTTP server on 127.0.0.1 for fakes: JSON or form bodies, a scripted list of
 * failures to play before answering normally, and a close() that also cuts hanging requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the next call fails: an HTTP status, a JSON body (HTTP 200), a hang, or a dropped connection. */
export type Failure = { status: number } | { json: unknown } | 'hang' | 'reset';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
}

export interface FakeHttp {
  baseUrl: string;
  /** Failures played in order on the next matching calls. */
  failures: Failure[];
  /** Calls that matched `shouldFail` so far (failed or not). */
  matchedCalls(): number;
  close(): Promise<void>;
}

export async function startFakeHttp(
  handle: (req: FakeRequest, res: ServerResponse) => void,
  shouldFail: (req: FakeRequest) => boolean = () => true,
): Promise<FakeHttp> {
  const sockets = new Set<Socket>();
  const failures: Failure[] = [];
  let matched = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: FakeRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      const matches = shouldFail(request);
      if (matches) matched += 1;
      if (matches && failures.length > 0) {
        const failure = failures.shift()!;
        if (failure === 'hang') return; // never answered; cut by close()
        if (failure === 'reset') {
          req.socket.destroy();
          return;
        }
        if ('status' in failure) {
          res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('upstream trouble');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(failure.json));
        return;
      }
      handle(request, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    failures,
    matchedCalls: () => matched,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Polls until `check` is true; a liveness bound for asynchronous delivery, not a timing assertion. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 25));
  }
}
