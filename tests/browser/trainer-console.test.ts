/**
 * The trainer console (/trainer.html) in headless Chromium against the real HTTP server code
 * and a real assistant (fixture question bank): log in with the trainer token, create a
 * session, see the code and QR image, two learners join through the API, start, both answer,
 * see the answer distribution and the leaderboard, move on and finish; and a web chat learner
 * who joins with "thamgia <code>" gets the question pushed (the page polls) and answers it.
 *
 * Needs /usr/bin/chromium (CI installs it: `apt-get install -y chromium`); skipped without it.
 * TRAINER_CONSOLE_SCREENSHOT=/path.png saves a screenshot of the leaderboard.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createAssistant, type Assistant } from '../../src/app.ts';
import { createServer } from '../../src/http/server.ts';
import { createQuizRouter } from '../../src/http/quiz-api.ts';
import { QuizSessionRepository } from '../../src/storage/quiz-session-repository.ts';
import { freshDataDir } from '../helpers/test-assistant.ts';
import { fixtureBank } from '../quiz/session-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[trainer-console] skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const TOKEN = 'token-giang-vien';

const cspViolations: string[] = [];

describe.skipIf(!hasChromium)('trainer console (needs /usr/bin/chromium)', () => {
  let assistant: Assistant;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assistant = await createAssistant(loadConfig({ DATA_DIR: freshDataDir(), LOG_LEVEL: 'warn' }), { logger: createLogger('warn'), quizQuestions: fixtureBank(12) });
    const logger = createLogger('warn');
    const app = createServer({
      dialogue: () => assistant.dialogue,
      logger,
      messageMaxChars: 1000,
      routers: [createQuizRouter({ quiz: () => assistant.quiz, trainerToken: TOKEN, logger })],
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })).newPage();
    // The CSP forbids inline script and style: a violation would show here (afterAll checks).
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    expect(cspViolations).toEqual([]);
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    assistant?.close();
  });

  const join = async (code: string, name: string) => {
    const res = await fetch(`${base}/api/quiz/join`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, name }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };
  const answer = (token: string, choice: number, number: number) =>
    fetch(`${base}/api/quiz/answer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, choice, number }) });

  test('log in, create a session, two learners join, run it and see the leaderboard', async () => {
    await page.goto(`${base}/trainer.html`);
    await page.locator('#login').waitFor();
    await page.locator('#token').fill('sai-ma');
    await page.locator('#login-form button[type=submit]').click();
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('không đúng');
    await page.locator('#token').fill(TOKEN);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#create').waitFor();
    await expect.poll(() => page.locator('#topic option').count()).toBe(9);

    await page.locator('#title').fill('Lớp tập huấn Tổ công nghệ số');
    await page.locator('#question-count').fill('2');
    await page.locator('#seconds').fill('60');
    await page.locator('#create-button').click();
    await page.locator('#session').waitFor();
    const code = (await page.locator('#join-code').textContent()) ?? '';
    expect(code).toMatch(/^\d{6}$/);
    await expect.poll(() => page.locator('#qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.locator('#join-link').textContent()).toBe(`${base}/join.html?code=${code}`);

    const an = await join(code, 'Nguyễn Thị An');
    const binh = await join(code, 'Trần Văn Bình');
    await expect.poll(() => page.locator('#participant-count').textContent()).toBe('2');
    expect(await page.locator('#participants span').allTextContents()).toEqual(['Nguyễn Thị An', 'Trần Văn Bình']);

    await page.locator('#start').click();
    await expect.poll(() => page.locator('#q-number').textContent()).toBe('Câu 1/2');
    expect(await page.locator('#stem').textContent()).toMatch(/^Câu hỏi thử nghiệm số/);
    expect(await page.locator('#bars .bar-row.correct').count()).toBe(0); // not shown while open

    const sessionId = await page.evaluate(() => location.hash.slice(1));
    const correct = new QuizSessionRepository(assistant.db).questions(sessionId)[0]!.question.correct;
    expect((await answer(an, correct, 1)).status).toBe(200);
    expect((await answer(binh, (correct + 1) % 4, 1)).status).toBe(200);

    // Both answered: the question closed; the chart marks the right option; the leaderboard ranks them.
    await expect.poll(() => page.locator('#bars .bar-row.correct').count()).toBe(1);
    expect(await page.locator('#bars .bar-row .count').allTextContents()).toEqual(['0', '1', '2', '3'].map((_, i) => (i === correct || i === (correct + 1) % 4 ? '1' : '0')));
    await expect.poll(() => page.locator('#leaderboard tr').count()).toBe(2);
    const first = await page.locator('#leaderboard tr').first().locator('td').allTextContents();
    expect(first[0]).toBe('1');
    expect(first[1]).toBe('Nguyễn Thị An');
    expect(Number(first[2])).toBeGreaterThan(900);
    expect(await page.locator('#history figure').count()).toBe(1);
    await page.screenshot({ path: process.env.TRAINER_CONSOLE_SCREENSHOT ?? '/tmp/trainer-console.png', fullPage: true });

    await page.locator('#next').click();
    await expect.poll(() => page.locator('#q-number').textContent()).toBe('Câu 2/2');
    await page.locator('#close').click();
    await expect.poll(() => page.locator('#countdown').textContent()).toBe('Hết giờ');
    await page.locator('#next').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Đã kết thúc');
    expect(await page.locator('#history figure').count()).toBe(2);
    // The link rides on the HTTP-only cookie: no token in the URL.
    expect(await page.locator('#csv').getAttribute('href')).toMatch(/\/results\.csv$/);
    const csvStatus = await page.evaluate(async (href) => (await fetch(href!)).status, await page.locator('#csv').getAttribute('href'));
    expect(csvStatus).toBe(200);
  });

  test('the join page (script in join.js, no inline script under the CSP) joins a learner', async () => {
    const created = await fetch(`${base}/api/quiz/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ topic: 'all', questionCount: 1, secondsPerQuestion: 60 }),
    });
    const session = (await created.json()) as { code: string };
    const learner = await page.context().newPage();
    learner.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const res = await learner.goto(`${base}/join.html?code=${session.code}`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await learner.locator('#name').fill('Anh Tú');
    await learner.locator('#join-form button[type=submit]').click();
    await learner.locator('#play').waitFor();
    await expect.poll(() => learner.locator('#me').textContent()).toContain('Anh Tú');
    await learner.close();
  });

  test('a web chat learner joins with "thamgia", gets the question pushed and answers with its button', async () => {
    const created = await fetch(`${base}/api/quiz/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ topic: 'all', questionCount: 1, secondsPerQuestion: 60 }),
    });
    const session = (await created.json()) as { id: string; code: string };
    const chat = await page.context().newPage();
    await chat.goto(`${base}/`);
    const input = chat.locator('#chat-input');
    await input.fill(`thamgia ${session.code} Chị Hoa`);
    await input.press('Enter');
    await expect.poll(() => chat.locator('#chat-log > li.msg-assistant').last().textContent()).toContain('Chị Hoa');

    await fetch(`${base}/api/quiz/sessions/${session.id}/start`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    // The page polls the quiz inbox: the question arrives without the learner writing.
    const question = chat.locator('#chat-log > li.msg-assistant', { hasText: 'Câu 1/1' });
    await question.waitFor({ timeout: 15_000 });
    expect(await question.locator('.chip').allTextContents()).toEqual(['A', 'B', 'C', 'D']);
    await question.locator('.chip', { hasText: 'B' }).click();
    await expect.poll(() => chat.locator('#chat-log > li.msg-assistant', { hasText: 'đã ghi nhận đáp án B' }).count()).toBe(1);
    // The only participant answered, so the question closed and the result is pushed too.
    await chat.locator('#chat-log > li.msg-assistant', { hasText: 'Đáp án đúng' }).waitFor({ timeout: 15_000 });
    await chat.close();
  });
});
