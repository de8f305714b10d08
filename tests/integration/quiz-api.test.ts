/**
 * The quiz HTTP API on the real server code (createServer with the quiz router) over
 * 127.0.0.1, with the fixture bank and a fake clock: trainer access (token, or localhost
 * only), creating a session, learners joining and answering, the console's event stream,
 * the correct option withheld until a question closes, the CSV download and the QR code.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createAssistant, type Assistant } from '../../src/app.ts';
import { createServer } from '../../src/http/server.ts';
import { createQuizRouter, trainerAccessMode } from '../../src/http/quiz-api.ts';
import { FakeClock } from '../../src/quiz/clock.ts';
import { QuizSessionRepository } from '../../src/storage/quiz-session-repository.ts';
import { freshDataDir } from '../helpers/test-assistant.ts';
import { fixtureBank } from '../quiz/session-fixtures.ts';

const TOKEN = 'giang-vien-bi-mat';
const clock = new FakeClock();
let assistant: Assistant;
let servers: Server[] = [];

async function serve(trainerToken?: string, host?: string, extra: Partial<Parameters<typeof createQuizRouter>[0]> = {}): Promise<string> {
  const logger = createLogger('silent');
  const app = createServer({
    dialogue: () => assistant.dialogue,
    logger,
    messageMaxChars: 1000,
    routers: [createQuizRouter({ quiz: () => assistant.quiz, trainerToken, host, logger, ...extra })],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', ok));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: freshDataDir(), LOG_LEVEL: 'warn' });
  assistant = await createAssistant(config, { logger: createLogger('warn'), quizQuestions: fixtureBank(20), quizClock: clock });
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }
  servers = [];
  assistant?.close();
});

const post = (base: string, path: string, body: unknown, token?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('trainer access', () => {
  test('with TRAINER_TOKEN: a wrong or missing token is refused, the right one accepted', async () => {
    const base = await serve(TOKEN);
    expect((await fetch(`${base}/api/quiz/sessions`)).status).toBe(401);
    expect((await fetch(`${base}/api/quiz/sessions`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${base}/api/quiz/sessions`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    // Never in the query string (it ends up in logs and browser history).
    expect((await fetch(`${base}/api/quiz/trainer?token=${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${base}/api/quiz/sessions?token=${TOKEN}`)).status).toBe(401);
    // Learners need no token.
    expect((await fetch(`${base}/api/quiz/topics`)).status).toBe(200);
  });

  test('without TRAINER_TOKEN: only requests made on the machine itself, not relayed by a proxy', async () => {
    const base = await serve(undefined);
    expect((await fetch(`${base}/api/quiz/trainer`)).status).toBe(200);
    const relayed = await fetch(`${base}/api/quiz/trainer`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(relayed.status).toBe(403);
    expect((await relayed.json()).error).toContain('TRAINER_TOKEN');
  });

  // nginx's default proxy_pass adds none of X-Forwarded-For/Forwarded, but other proxies add these.
  test.each([['X-Real-IP', '203.0.113.7'], ['X-Forwarded-Host', 'trolyao.example.vn'], ['X-Forwarded-Proto', 'https'], ['Forwarded', 'for=203.0.113.7']])(
    'without TRAINER_TOKEN: a request carrying %s is refused',
    async (name, value) => {
      const base = await serve(undefined);
      const res = await fetch(`${base}/api/quiz/sessions`, { headers: { [name]: value } });
      expect(res.status).toBe(403);
    },
  );

  test('without TRAINER_TOKEN and a non-loopback HOST (e.g. 0.0.0.0 behind nginx): the trainer API is off, even from 127.0.0.1', async () => {
    const base = await serve(undefined, '0.0.0.0');
    const res = await fetch(`${base}/api/quiz/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ questionCount: 2, secondsPerQuestion: 30 }) });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toContain('HOST');
    expect((await fetch(`${base}/api/quiz/trainer`)).status).toBe(403);
    expect((await fetch(`${base}/api/quiz/topics`)).status).toBe(200);
  });

  test('with TRAINER_TOKEN: a Bearer check sets an HTTP-only SameSite cookie that streams and downloads use', async () => {
    const base = await serve(TOKEN, '0.0.0.0');
    const login = await fetch(`${base}/api/quiz/trainer`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(login.status).toBe(200);
    expect((await login.json()).access).toBe('token');
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^bg_trainer=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(`${base}/api/quiz/sessions`, { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await fetch(`${base}/api/quiz/sessions`, { headers: { Cookie: 'bg_trainer=forged' } })).status).toBe(401);
    // Through a proxy with the token: fine.
    expect((await fetch(`${base}/api/quiz/sessions`, { headers: { Cookie: cookie, 'X-Forwarded-For': '203.0.113.7' } })).status).toBe(200);
    const out = await fetch(`${base}/api/quiz/trainer/logout`, { method: 'POST' });
    expect(out.headers.get('set-cookie') ?? '').toMatch(/bg_trainer=;/);
  });

  test('trainerAccessMode: token, localhost only, or off', () => {
    expect(trainerAccessMode('x', '0.0.0.0')).toBe('token');
    expect(trainerAccessMode(undefined, '127.0.0.1')).toBe('localhost');
    expect(trainerAccessMode(undefined, '::1')).toBe('localhost');
    expect(trainerAccessMode(undefined, 'localhost')).toBe('localhost');
    expect(trainerAccessMode(undefined, '0.0.0.0')).toBe('off');
    expect(trainerAccessMode(undefined, '10.0.0.5')).toBe('off');
  });
});

describe('a session over HTTP', () => {
  test('create, two learners join, run with the console streaming, CSV and QR', async () => {
    const base = await serve(TOKEN);
    const bad = await post(base, '/api/quiz/sessions', { topic: 'all', questionCount: 2, secondsPerQuestion: 3 }, TOKEN);
    expect(bad.status).toBe(400);

    const created = await post(base, '/api/quiz/sessions', { title: 'Lớp tập huấn', topic: 'all', questionCount: 2, secondsPerQuestion: 20, streakBonus: true }, TOKEN);
    expect(created.status).toBe(201);
    const session = (await created.json()) as { id: string; code: string; joinUrl: string; status: string };
    expect(session.code).toMatch(/^\d{6}$/);
    expect(session.joinUrl).toBe(`${base}/join.html?code=${session.code}`);

    const qr = await fetch(`${base}/api/quiz/join-qr/${session.code}`);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    expect(await qr.text()).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);

    const join = async (name: string) => (await (await post(base, '/api/quiz/join', { code: session.code, name })).json()) as { token: string; name: string };
    const an = await join('Nguyễn An');
    const binh = await join('Trần Bình');
    expect((await post(base, '/api/quiz/join', { code: '999999', name: 'X' })).status).toBe(404);

    // The console's event stream.
    const controller = new AbortController();
    const events = await fetch(`${base}/api/quiz/sessions/${session.id}/events`, { signal: controller.signal, headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    type ConsoleView = { status: string; current?: { number: number; closed: boolean }; leaderboard: Array<{ name: string; score: number }> };
    const nextView = async (predicate: (v: ConsoleView) => boolean): Promise<ConsoleView> => {
      for (;;) {
        const blocks = buffered.split('\n\n');
        buffered = blocks.pop()!;
        for (const block of blocks) {
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) {
            const view = JSON.parse(data.slice(6)) as ConsoleView;
            if (predicate(view)) return view;
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffered += decoder.decode(value, { stream: true });
      }
    };
    expect((await nextView(() => true)).status).toBe('lobby');

    const started = await post(base, `/api/quiz/sessions/${session.id}/start`, {}, TOKEN);
    expect(started.status).toBe(200);
    const running = await nextView((v) => v.status === 'running');
    expect(running.current).toMatchObject({ number: 1, closed: false });
    expect(running.current).not.toHaveProperty('correct');

    const play = await (await fetch(`${base}/api/quiz/play?token=${an.token}`)).json();
    expect(play.question.options).toHaveLength(4);
    expect(JSON.stringify(play)).not.toMatch(/"correct"|explanation/);

    const correct = new QuizSessionRepository(assistant.db).questions(session.id)[0]!.question.correct;
    clock.advance(4000);
    const accepted = await post(base, '/api/quiz/answer', { token: an.token, choice: correct, number: 1 });
    expect(await accepted.json()).toEqual({ status: 'accepted', position: 0 });
    const dup = await post(base, '/api/quiz/answer', { token: an.token, choice: correct, number: 1 });
    expect(dup.status).toBe(409);
    expect((await dup.json()).status).toBe('duplicate');
    await post(base, '/api/quiz/answer', { token: binh.token, choice: (correct + 1) % 4, number: 1 });

    // Both answered: the question closed; the console sees the distribution and the leaderboard.
    const closed = await nextView((v) => v.current?.closed === true);
    expect(closed.leaderboard.map((e) => e.name)).toEqual(['Nguyễn An', 'Trần Bình']);
    expect(closed.leaderboard[0]!.score).toBe(900);
    const after = await (await fetch(`${base}/api/quiz/play?token=${binh.token}`)).json();
    expect(after.question.result).toMatchObject({ correct, myCorrect: false, points: 0 });

    await post(base, `/api/quiz/sessions/${session.id}/next`, {}, TOKEN);
    clock.advance(20_001);
    const late = await post(base, '/api/quiz/answer', { token: an.token, choice: 0, number: 2 });
    expect((await late.json()).status).toBe('late');
    const done = await post(base, `/api/quiz/sessions/${session.id}/next`, {}, TOKEN);
    expect(((await done.json()) as { status: string }).status).toBe('finished');
    controller.abort();

    const csv = await fetch(`${base}/api/quiz/sessions/${session.id}/results.csv`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Học viên,Kênh,Câu,Nội dung câu hỏi,Đáp án chọn,Đáp án đúng,Đúng,Thời gian (giây),Điểm');
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines.filter((l) => l.startsWith('Nguyễn An,'))).toHaveLength(2);
    expect(lines[1]).toMatch(/,có,4\.0,900$/);
  });
});

describe('anonymous abuse of joins and codes', () => {
  const create = async (base: string) =>
    (await (await post(base, '/api/quiz/sessions', { topic: 'all', questionCount: 2, secondsPerQuestion: 30 }, TOKEN)).json()) as { id: string; code: string };

  test('wrong codes: after 10 misses the IP is locked out (429 + Retry-After), even for a right code; it lifts later', async () => {
    let now = 1_000_000;
    const base = await serve(TOKEN, undefined, { now: () => now });
    const session = await create(base);
    const wrong = session.code === '000001' ? '000002' : '000001';
    for (let i = 0; i < 10; i++) expect((await post(base, '/api/quiz/join', { code: wrong, name: 'X' })).status).toBe(404);
    const locked = await post(base, '/api/quiz/join', { code: session.code, name: 'Thật' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${base}/api/quiz/join-qr/${session.code}`)).status).toBe(429);
    now += 16 * 60_000;
    expect((await post(base, '/api/quiz/join', { code: session.code, name: 'Thật' })).status).toBe(201);
  });

  test('the QR endpoint counts as a code check too', async () => {
    const base = await serve(TOKEN, undefined, { now: () => 5_000_000 });
    for (let i = 0; i < 10; i++) expect((await fetch(`${base}/api/quiz/join-qr/00000${i}`)).status).toBe(404);
    expect((await fetch(`${base}/api/quiz/join-qr/000010`)).status).toBe(429);
  });

  test('joins per IP per minute and per session are bounded, so one client cannot fill a session', async () => {
    let now = 9_000_000;
    const base = await serve(TOKEN, undefined, { now: () => now, limits: { joinsPerMinute: 5, joinsPerSession: 8 } });
    const session = await create(base);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(base, '/api/quiz/join', { code: session.code, name: `Bot ${i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    now += 61_000;
    for (let i = 0; i < 4; i++) statuses.push((await post(base, '/api/quiz/join', { code: session.code, name: `Bot ${i}` })).status);
    expect(statuses.slice(6)).toEqual([201, 201, 201, 429]);
  });

  test('1000 learners with the same name join in well under the old 105 s (linear name check)', async () => {
    const base = await serve(TOKEN, undefined, { limits: { joinsPerMinute: 0, joinsPerSession: 0 } });
    const session = await create(base);
    const started = performance.now();
    const engine = assistant.quiz.engine;
    let last = '';
    for (let i = 0; i < 1000; i++) last = engine.joinFromPage(session.code, 'An').name;
    expect(last).toBe('An (1000)');
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await post(base, '/api/quiz/join', { code: session.code, name: 'Người thật' })).status).toBe(409); // full
  });
});
