/**
 * The Zalo section of `npm run bench`: drives `POST /webhooks/zalo-oa` of the real server
 * (a child process) with autocannon on loopback — every request a distinct, correctly signed
 * message from a distinct user — while the server answers through its outbox to a fake OA
 * API on 127.0.0.1. Reports the acknowledgement latency (p50/p99, and as a ratio of a
 * trivial GET /healthz run the same way), messages per second acknowledged and answered end
 * to end, and, counted at the fake OA API, replies lost and duplicated.
 *
 * usage: npm run bench (runs after the answer benchmark)   or
 *        npx tsx src/cli/bench-zalo.ts [--zalo-messages 10000]
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer, type RunningServer } from '../../tests/helpers/start-server.ts';
import { startFakeZaloOa, type FakeZaloOa } from '../../tests/fakes/fake-zalo-oa.ts';
import { waitFor } from '../../tests/fakes/http-fake.ts';
import { newMsgId, signedRequest, TEST_APP_ID, textEvent } from '../../tests/fakes/zalo-events.ts';

export interface ZaloBenchOptions {
  out: (line?: string) => void;
  /** Signed messages sent in the saturation run (default 10000). */
  messages?: number;
  /** Offered rate of the steady run, messages/s (default 50), and its length in seconds (default 20). */
  rate?: number;
  seconds?: number;
  connections?: number;
  /** Questions mixed into the load (default: the dev set's, if found). */
  questionsFile?: string;
  /** Extra environment for the server. */
  env?: Record<string, string>;
}

export interface ZaloBenchResult {
  /** Acknowledgement latency at the steady rate. */
  ackP50: number;
  ackP99: number;
  baselineP99: number;
  acksPerSecond: number;
  answeredPerSecond: number;
  accepted: number;
  lost: number;
  duplicated: number;
}

const OA_SECRET = 'bench-oa-secret-key';

interface Stats {
  p50: number;
  p99: number;
  rps: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function stats(r: autocannon.Result): Stats {
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
}

/**
 * Sends `rate` requests a second for `seconds`, each at its scheduled time whatever the
 * answers before it (open loop), and times each one.
 */
async function openLoop(
  rate: number,
  seconds: number,
  next: () => { url: string; init: RequestInit; onAccepted?: () => void },
): Promise<Stats> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
    const { url, init, onAccepted } = next();
    const sent = performance.now();
    pending.push(
      fetch(url, init)
        .then(async (res) => {
          const body = await res.text();
          latencies.push(performance.now() - sent);
          if (res.status < 200 || res.status >= 300) non2xx += 1;
          else if (body.includes('"accepted"')) onAccepted?.();
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  await Promise.all(pending);
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), rps: total / seconds, non2xx, errors, timeouts: 0 };
}

function loadQuestions(file: string | undefined): string[] {
  const base = ['xin chào', 'cảm ơn', 'menu', 'gặp cán bộ'];
  if (!file || !existsSync(file)) return base;
  const qs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { q: string; oos?: boolean })
    .filter((q) => !q.oos)
    .map((q) => q.q);
  return [...base, ...qs.slice(0, 40)];
}

/**
 * Runs the webhook load test; prints its section and returns the figures.
 * @example await benchZalo({ out: console.log, messages: 3000 })
 */
export async function benchZalo(options: ZaloBenchOptions): Promise<ZaloBenchResult> {
  const { out } = options;
  const total = options.messages ?? 10_000;
  const connections = options.connections ?? 100;
  const texts = loadQuestions(options.questionsFile);
  let fake: FakeZaloOa | undefined;
  let server: RunningServer | undefined;
  try {
    fake = await startFakeZaloOa({ appId: TEST_APP_ID, appSecret: 'bench-app-secret', accessTokens: ['bench-access'] });
    server = await startServer({
      readyTimeoutMs: 300_000,
      env: {
        LOG_LEVEL: 'warn',
        ZALO_APP_ID: TEST_APP_ID,
        ZALO_OA_SECRET_KEY: OA_SECRET,
        ZALO_OA_ACCESS_TOKEN: 'bench-access',
        ZALO_API_BASE_URL: fake.baseUrl,
        ZALO_OAUTH_BASE_URL: fake.baseUrl,
        ...options.env,
      },
    });
    const url = `${server.baseUrl}/webhooks/zalo-oa`;
    const healthz = `${server.baseUrl}/healthz`;

    // Warm-up: a few messages through the whole path.
    for (let i = 0; i < 20; i++) {
      const req = signedRequest(textEvent({ userId: `warm-${i}`, text: texts[i % texts.length]! }), OA_SECRET);
      await fetch(url, { method: 'POST', headers: req.headers, body: req.body }).then((r) => r.arrayBuffer());
    }
    await waitFor(() => new Set(fake!.delivered.map((d) => d.userId)).size >= 20, 'warm-up replies', 120_000);

    // Each webhook request is a new signed message from a new user.
    let n = 0;
    const accepted = new Set<string>();
    const webhook = (extra: Partial<autocannon.Options>) =>
      autocannon({
        url,
        connections,
        ...extra,
        requests: [
          {
            method: 'POST',
            setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => {
              const userId = `bench-${n}`;
              const signed = signedRequest(textEvent({ userId, text: texts[n % texts.length]!, msgId: newMsgId() }), OA_SECRET);
              n += 1;
              context.userId = userId;
              return { ...req, method: 'POST', headers: signed.headers, body: signed.body };
            },
            onResponse: (status: number, body: string, context: Record<string, unknown>) => {
              if (status === 200 && body.includes('"accepted"')) accepted.add(String(context.userId));
            },
          },
        ],
      } as autocannon.Options);

    // 1. Steady: an offered rate below what the assistant can answer, so no backlog builds up —
    //    the latency a real OA sees (Zalo sends at its users' pace).
    const rate = options.rate ?? 50;
    const seconds = options.seconds ?? 20;
    //    Measured per request by an open-loop client (each request sent at its scheduled time):
    //    autocannon's rate mode times its own pacing queue too.
    const steadyBase = await openLoop(rate, seconds, () => ({ url: healthz, init: { method: 'GET' } }));
    const steady = await openLoop(rate, seconds, () => {
      const userId = `bench-${n}`;
      const signed = signedRequest(textEvent({ userId, text: texts[n % texts.length]!, msgId: newMsgId() }), OA_SECRET);
      n += 1;
      return { url, init: { method: 'POST', headers: signed.headers, body: signed.body }, onAccepted: () => accepted.add(userId) };
    });
    // 2. Saturation: as fast as the connections go (latency here is mostly queueing: connections ÷ throughput),
    //    while the backlog is being answered.
    const satBase = stats(await autocannon({ url: healthz, connections, amount: total }));
    const firstSaturationUser = n;
    const saturationStart = Date.now();
    const sat = stats(await webhook({ amount: total }));

    // Wait until every accepted message has its reply (or nothing moves for 30 s).
    let lastCount = -1;
    let lastChange = Date.now();
    const repliedUsers = () => {
      const users = new Set(fake!.delivered.map((d) => d.userId));
      return [...accepted].filter((u) => users.has(u)).length;
    };
    await waitFor(
      () => {
        const c = repliedUsers();
        if (c !== lastCount) {
          lastCount = c;
          lastChange = Date.now();
        }
        return c >= accepted.size || Date.now() - lastChange > 30_000;
      },
      'replies',
      60 * 60_000,
    );
    const benchReplies = fake.delivered.filter((d) => d.userId.startsWith('bench-'));
    // The answering rate: the saturation run's messages, from its first request to their last reply.
    const isSaturationUser = (u: string) => Number(u.slice('bench-'.length)) >= firstSaturationUser;
    const saturationAccepted = [...accepted].filter(isSaturationUser).length;
    const drainSeconds = (Math.max(...benchReplies.filter((d) => isSaturationUser(d.userId)).map((d) => d.at)) - saturationStart) / 1000;
    // Give late duplicates a moment to show up before counting.
    await new Promise((ok) => setTimeout(ok, 2000));

    const seen = new Map<string, number>();
    for (const d of fake.delivered) if (d.userId.startsWith('bench-')) seen.set(`${d.userId}\u0000${d.text}`, (seen.get(`${d.userId}\u0000${d.text}`) ?? 0) + 1);
    const duplicated = [...seen.values()].reduce((sum, c) => sum + (c - 1), 0);
    const replied = new Set(fake.delivered.map((d) => d.userId));
    const lost = [...accepted].filter((u) => !replied.has(u)).length;
    const answeredPerSecond = saturationAccepted / Math.max(0.001, drainSeconds);
    const line = (name: string, base: Stats, hook: Stats): string =>
      `  ${name.padEnd(30)} ack p50 ${String(hook.p50).padStart(4)} ms · p99 ${String(hook.p99).padStart(5)} ms · ${String(Math.round(hook.rps)).padStart(5)} msg/s · non-2xx ${hook.non2xx} · errors ${hook.errors + hook.timeouts}` +
      `   | GET /healthz p50 ${base.p50} ms · p99 ${base.p99} ms (p99 ratio ${(hook.p99 / Math.max(1, base.p99)).toFixed(2)}×)`;

    out(`Zalo OA webhook — autocannon, ${connections} connections, loopback; each request a signed message from a new user; ${texts.length} different texts`);
    out(line(`steady ${rate} msg/s for ${seconds} s (open loop)`, steadyBase, steady));
    out(line(`saturation, ${total} messages`, satBase, sat));
    out(
      `  answered end to end: the saturation run's ${saturationAccepted} messages all answered ${drainSeconds.toFixed(1)} s after its first request = ${answeredPerSecond.toFixed(0)} messages/s sustained`,
    );
    out(`  counted at the fake OA API over both runs: ${accepted.size} messages accepted, ${benchReplies.length} replies, lost ${lost} · duplicated ${duplicated}`);
    return {
      ackP50: steady.p50,
      ackP99: steady.p99,
      baselineP99: steadyBase.p99,
      acksPerSecond: sat.rps,
      answeredPerSecond,
      accepted: accepted.size,
      lost,
      duplicated,
    };
  } finally {
    await server?.stop();
    await fake?.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--zalo-messages');
  benchZalo({
    out: (s = '') => process.stdout.write(s + '\n'),
    messages: i >= 0 ? Number(args[i + 1]) : undefined,
    questionsFile: resolve('../shared/eval/dev-questions.jsonl'),
  }).catch((error: unknown) => {
    process.stderr.write(`bench-zalo: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
