/**
 * The staff console (/admin.html) and the web chat together, in headless Chromium against the
 * real server: a citizen asks for staff in the web chat, a staff member signs in (on a desk
 * screen), opens the request, replies; the citizen sees the reply marked as from staff; the
 * staff member closes the request and the assistant answers again, with 👍/👎 (👎 with a
 * comment). The console also fits a phone screen.
 *
 * Needs /usr/bin/chromium (CI installs it: `apt-get install -y chromium`); skipped without it.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../helpers/start-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[staff-console] skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const ADMIN_TOKEN = 'admin-token-browser-0123456789';
const STAFF = 'Lê Thị Hoa';
const QUESTION = 'Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến năm 2024 đạt bao nhiêu?';

describe.skipIf(!hasChromium)('staff console with the web chat (needs /usr/bin/chromium)', () => {
  let server: RunningServer;
  let browser: Browser;
  let citizen: Page;
  let staff: Page;

  beforeAll(async () => {
    server = await startServer({ seedDataDir: inject('indexDataDir'), env: { ADMIN_TOKEN } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    citizen = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' })).newPage();
    staff = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })).newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('ask for staff, staff reply seen by the citizen, close, the assistant answers again', async () => {
    await citizen.goto(`${server.baseUrl}/`);
    await citizen.locator('#chat-log > li.msg-welcome .chip', { hasText: 'Gặp cán bộ' }).click();
    await citizen.locator('#chat-log > li.msg-assistant', { hasText: 'yêu cầu số' }).waitFor();
    await citizen.locator('#chat-input').fill('Tôi cần hỏi về hồ sơ cấp đổi giấy phép lái xe');
    await citizen.locator('#chat-input').press('Enter');
    await citizen.locator('#chat-log > li.msg-note', { hasText: 'Đã chuyển tin nhắn cho cán bộ' }).waitFor();

    await staff.goto(`${server.baseUrl}/admin.html`);
    await staff.locator('#staff-name').fill(STAFF);
    await staff.locator('#token').fill(ADMIN_TOKEN);
    await staff.locator('#login-submit').click();
    const item = staff.locator('#ticket-list button.item', { hasText: 'Web' }).first();
    await item.waitFor();
    expect(await item.textContent()).toContain('giấy phép lái xe');
    await item.click();
    await staff.locator('#ticket-messages li.from-user', { hasText: 'giấy phép lái xe' }).waitFor();
    await staff.locator('#reply-text').fill('Chào anh, anh nộp hồ sơ trực tuyến trên Cổng Dịch vụ công nhé.');
    await staff.locator('#reply-send').click();
    await staff.locator('#ticket-messages li.from-staff', { hasText: 'Cổng Dịch vụ công nhé' }).waitFor();

    const staffBubble = citizen.locator('#chat-log > li.msg-staff');
    await staffBubble.waitFor({ timeout: 15_000 });
    expect(await staffBubble.locator('.staff-label').textContent()).toBe(`Cán bộ ${STAFF}`);
    expect(await staffBubble.textContent()).toContain('Cổng Dịch vụ công nhé');

    await staff.locator('#close-ticket').click();
    await staff.locator('#ticket-title', { hasText: 'Đã đóng' }).waitFor();
    await citizen.locator('#chat-log > li.msg-assistant', { hasText: 'tiếp tục trả lời' }).waitFor({ timeout: 15_000 });

    await citizen.locator('#chat-input').fill(QUESTION);
    await citizen.locator('#chat-input').press('Enter');
    const answer = citizen.locator('#chat-log > li.msg-assistant', { has: citizen.locator('.feedback') }).last();
    await answer.waitFor({ timeout: 30_000 });
    expect(await answer.textContent()).toContain('Nguồn');
    await answer.locator('.feedback-btn[data-rating="down"]').click();
    await answer.locator('.feedback-comment').fill('Cần thêm số liệu năm 2025');
    await answer.locator('.feedback-form button[type="submit"]').click();
    await answer.locator('.feedback', { hasText: 'Cảm ơn anh/chị' }).waitFor();
    expect(await citizen.locator('#chat-log > li.msg-staff').count()).toBe(1);
  });

  test('the queue shows the 👎 answer, the figures count it, and the console fits a phone', async () => {
    await staff.locator('.tab[data-tab="queue"]').click();
    await staff.locator('#queue-list li', { hasText: QUESTION }).waitFor();
    await staff.locator('.tab[data-tab="stats"]').click();
    await staff.locator('#stat-cards .stat', { hasText: 'tỷ lệ 👎' }).waitFor();
    expect(await staff.locator('#chart .bar-col').count()).toBeGreaterThan(0);
    await staff.setViewportSize({ width: 390, height: 844 });
    await staff.locator('.tab[data-tab="inbox"]').click();
    const overflow = await staff.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
  });
});
