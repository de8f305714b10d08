/**
 * The web chat page against the real server, in headless Chromium: ask a question about
 * the plans, see the answer with its sources, tap a quick chip, reload and find the
 * conversation restored; network failures keep the typed text.
 *
 * Needs /usr/bin/chromium (CI installs it: `apt-get install -y chromium`); skipped without it.
 * WEB_CHAT_SCREENSHOT=/path.png saves a screenshot of the answered question.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../helpers/start-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[web-chat] skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
}

const QUESTION = 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến năm 2024 đạt bao nhiêu?';

const cspViolations: string[] = [];

describe.skipIf(!hasChromium)('web chat page (needs /usr/bin/chromium)', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // The index built once by tests/global-setup.ts, so the server is ready in a second or two.
    server = await startServer({ seedDataDir: inject('indexDataDir') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN', deviceScaleFactor: 1 });
    page = await context.newPage();
    // The CSP forbids inline script and style: a violation would show here (afterAll checks).
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    expect(cspViolations).toEqual([]);
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const assistantBubbles = () => page.locator('#chat-log > li.msg-assistant');
  const userBubbles = () => page.locator('#chat-log > li.msg-user');

  test('first load shows the header, the welcome and the quick chips', async () => {
    await page.goto(`${server.baseUrl}/`);
    expect(await page.locator('h1').textContent()).toBe('Trợ lý ảo Chuyển đổi số');
    // The plans are Bắc Giang's; the page says the province is now part of Bắc Ninh.
    expect(await page.locator('.subtitle').textContent()).toContain('nay thuộc tỉnh Bắc Ninh');
    await page.locator('#chat-log > li.msg-welcome').waitFor();
    const chips = page.locator('#chat-log > li.msg-welcome .chip');
    expect(await chips.allTextContents()).toEqual(['Thủ tục trực tuyến', 'Kế hoạch CĐS', 'Nhiệm vụ sở, ngành', 'Gặp cán bộ']);
    expect(await page.locator('#chat-input').getAttribute('maxlength')).toBe('1000');
    expect(await page.locator('label[for="chat-input"]').count()).toBe(1);
    expect(await page.locator('[aria-live="polite"]#chat-log').count()).toBe(1);
    const userId = await page.evaluate(() => localStorage.getItem('bg-cds-chat:userId'));
    expect(userId).toMatch(/^web-/);
  });

  test('a typed question sent with Enter gets the answer and its sources', async () => {
    const input = page.locator('#chat-input');
    await input.fill(QUESTION);
    expect(await page.locator('#char-count').textContent()).toBe(`${QUESTION.length}/1000`);
    const before = await assistantBubbles().count();
    await input.press('Enter');

    expect(await userBubbles().last().textContent()).toContain(QUESTION);
    expect(await input.inputValue()).toBe('');
    await page.waitForFunction((n) => document.querySelectorAll('#chat-log > li.msg-assistant').length > n, before, { timeout: 30_000 });
    expect(await page.locator('#typing').isHidden()).toBe(true);

    const answer = (await assistantBubbles().nth(before).locator('.bubble-text').textContent()) ?? '';
    const allNew = (await assistantBubbles().allTextContents()).slice(before).join('\n');
    expect(allNew, `the assistant's answer:\n${allNew}\n\nserver logs:\n${server.logs().slice(-3000)}`).toContain('70%');
    expect(answer.length).toBeGreaterThan(0);

    const sources = page.locator('#chat-log > li.msg-assistant details.sources').last();
    expect(await sources.locator('summary').textContent()).toMatch(/^Nguồn \(\d+\)$/);
    await sources.locator('summary').click();
    await sources.locator('li').first().waitFor({ state: 'visible' });
    expect(await sources.locator('li').first().textContent()).toMatch(/Kế hoạch|Nghị quyết|Đề án/);

    await page.evaluate(() => {
      const chat = document.getElementById('chat-scroll');
      chat?.scrollTo({ top: chat.scrollHeight, behavior: 'instant' });
    });
    await page.screenshot({ path: process.env.WEB_CHAT_SCREENSHOT ?? '/tmp/web-chat.png', fullPage: false });
  });

  test('a quick chip sends its payload and shows its title as the user message', async () => {
    const before = await assistantBubbles().count();
    await page.locator('#chat-log > li.msg-welcome .chip', { hasText: 'Kế hoạch CĐS' }).click();
    await expect.poll(() => userBubbles().last().textContent()).toContain('Kế hoạch CĐS');
    await page.waitForFunction((n) => document.querySelectorAll('#chat-log > li.msg-assistant').length > n, before, { timeout: 30_000 });
    const reply = (await assistantBubbles().nth(before).textContent()) ?? '';
    expect(reply.trim().length).toBeGreaterThan(10);
    expect(reply).not.toContain('hệ thống đang bận');
  });

  test('a reload restores the conversation; "Cuộc trò chuyện mới" clears it', async () => {
    const users = await userBubbles().allTextContents();
    const assistants = await assistantBubbles().count();
    await page.reload();
    await page.locator('#chat-log > li.msg-welcome').waitFor();
    expect(await userBubbles().allTextContents()).toEqual(users);
    expect(await assistantBubbles().count()).toBe(assistants);
    expect(await page.locator('#chat-log').textContent()).toContain('70%');
    expect(await page.locator('#chat-log details.sources summary').first().textContent()).toContain('Nguồn');

    await page.getByRole('button', { name: /Cuộc trò chuyện mới/ }).click();
    expect(await userBubbles().count()).toBe(0);
    expect(await assistantBubbles().count()).toBe(1); // the welcome
    await page.reload();
    expect(await userBubbles().count()).toBe(0);
  });

  test('when the server cannot be reached the typed text is kept and a polite notice shown', async () => {
    await page.route('**/api/chat', (route) => route.abort('connectionrefused'));
    const input = page.locator('#chat-input');
    await input.fill('Nộp hồ sơ trực tuyến ở đâu?');
    await input.press('Enter');
    await page.locator('#chat-log > li.msg-notice').last().waitFor();
    expect(await page.locator('#chat-log > li.msg-notice').last().textContent()).toContain('Dạ, hệ thống đang bận, anh/chị thử lại sau ít phút ạ.');
    await expect.poll(() => input.inputValue()).toBe('Nộp hồ sơ trực tuyến ở đâu?');
    await page.unroute('**/api/chat');

    // A 400 shows the server's error in the chat.
    await page.route('**/api/chat', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'text is too long' }) }));
    await input.press('Enter');
    await expect.poll(() => page.locator('#chat-log > li.msg-notice').last().textContent()).toContain('text is too long');
    await page.unroute('**/api/chat');
  });

  test('server text is rendered as text, with only http(s) links made clickable', async () => {
    await page.route('**/api/chat', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          replies: [{ text: 'Dạ, <img src=x onerror="window.__xss=1"> xem https://dichvucong.gov.vn. và javascript:alert(1)\nDòng hai', buttons: [] }],
          intent: 'test',
          sources: [],
          confidence: 1,
        }),
      }),
    );
    await page.locator('#chat-input').fill('kiểm tra');
    await page.locator('#chat-input').press('Enter');
    const bubble = page.locator('#chat-log > li.msg-assistant').last();
    await expect.poll(() => bubble.textContent()).toContain('<img src=x');
    expect(await bubble.locator('img').count()).toBe(0);
    const links = bubble.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe('https://dichvucong.gov.vn/');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.unroute('**/api/chat');
  });
});
