/**
 * Starts the assistant: reads configuration, listens at once (health says "starting"),
 * builds or loads the knowledge index, then serves the web chat and the API.
 * Wiring only; behaviour lives in the modules it calls.
 */
import type { Server } from 'node:http';
import { loadConfig } from './config.ts';
import { createLogger } from './core/logger.ts';
import { createAssistant, type Assistant } from './app.ts';
import type { Answering } from './core/dialogue.ts';
import { AnswerPool } from './answering/answer-pool.ts';
import { RequiredFileError } from './kb/required-file.ts';
import { createServer } from './http/server.ts';
import { createAdminRouter } from './http/admin.ts';
import { createQuizRouter, trainerAccessMode } from './http/quiz-api.ts';
import { createRecordsRouter } from './http/records-api.ts';
import { createStaffPublicRouter } from './http/staff-public.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { createWebIdentity, webCookieSecret } from './http/web-identity.ts';
import { createZaloRouters, startZaloRuntime, type ZaloRuntime } from './channels/outbox/runtime.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let assistant: Assistant | undefined;
  /** Who answers: the pool of answer workers, or the dialogue on this thread (ANSWER_WORKERS=0). */
  let answering: Answering | undefined;
  let pool: AnswerPool | undefined;
  let zalo: ZaloRuntime | undefined;
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);
  const webIdentity = createWebIdentity(webCookieSecret(config.dataDir));
  const routers = [
    ...createZaloRouters(config, () => zalo, logger),
    createAdminRouter({ adminToken: config.adminToken, handoffs: () => assistant?.handoffs, staff: () => assistant?.staff, minConfidence: config.answer.minConfidence }),
    createStaffPublicRouter(() => assistant?.staff, webIdentity),
    createRecordsRouter(() => assistant?.records),
    createQuizRouter({ quiz: () => assistant?.quiz, trainerToken: config.quiz.trainerToken, host: config.host, publicBaseUrl: config.quiz.publicBaseUrl, logger, webIdentity }),
  ];
  const app = createServer({ dialogue: () => answering, logger, messageMaxChars: config.messageMaxChars, routers, rateLimiter, ipLimit: { max: config.rateLimitPerIpPerMinute, windowMs: 60_000 }, webIdentity, trustProxy: config.trustProxy, health: () => ({ ...(zalo ? { outbox: zalo.health() } : {}), ...(pool ? { answering: pool.health() } : {}) }) });
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const started = performance.now();
  assistant = await createAssistant(config, { logger });
  if (config.answerWorkers > 0) {
    pool = new AnswerPool({ size: config.answerWorkers, config, activities: assistant.activities, logger });
    const workerStartup = await pool.start();
    logger.info(`Trả lời trên ${config.answerWorkers} luồng riêng (answer workers: ${config.answerWorkers})`, { workerStages: workerStartup });
  }
  answering = pool ?? assistant.dialogue;
  logger.info(`Trợ lý ảo sẵn sàng tại http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`, {
    readyMs: Math.round(performance.now() - started),
    stages: assistant.startup,
  });
  const channels = [
    config.zaloOa.appId && config.zaloOa.oaSecretKey ? 'Zalo OA: bật (on)' : 'Zalo OA: tắt — thiếu ZALO_APP_ID/ZALO_OA_SECRET_KEY (off)',
    config.zaloBot.token && config.zaloBot.secretToken ? 'Zalo Bot: bật (on)' : 'Zalo Bot: tắt — thiếu ZALO_BOT_TOKEN/ZALO_BOT_SECRET_TOKEN (off)',
  ];
  for (const c of channels) logger.info(c);
  const trainerMode = trainerAccessMode(config.quiz.trainerToken, config.host);
  logger.info(
    trainerMode === 'token'
      ? 'Bảng điều khiển giảng viên: cần TRAINER_TOKEN (trainer API: token)'
      : trainerMode === 'localhost'
        ? 'Bảng điều khiển giảng viên: chỉ trên máy chủ, không qua proxy — chưa đặt TRAINER_TOKEN (trainer API: localhost only)'
        : `Bảng điều khiển giảng viên: TẮT — HOST=${config.host} không phải loopback và chưa đặt TRAINER_TOKEN (trainer API: off)`,
  );
  zalo = startZaloRuntime({ config, db: assistant.db, dialogue: answering, answerConcurrency: Math.max(1, config.answerWorkers), logger, rateLimiter });
  // Quiz sessions push questions and results to Zalo participants through the outbox.
  for (const channel of zalo?.channels ?? []) {
    const runtime = zalo!;
    assistant.quiz.notifier.register(channel, (userId, messages) => runtime.push(channel, userId, messages));
    // Staff replies and handoff notices too (the web chat polls GET /api/chat/inbox instead).
    assistant.staff.desk.register(channel, (userId, messages) => runtime.push(channel, userId, messages));
  }
  assistant.staff.start(config.retentionDays);

  const stop = () => {
    logger.info('Đang dừng (shutting down)…');
    server.close(() => {
      const closing = (zalo ? zalo.stop() : Promise.resolve()).then(() => pool?.close());
      void closing.finally(() => {
        assistant?.close();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // A broken required file is the operator's to fix: its message (file, line) says all, no stack.
  const text = error instanceof RequiredFileError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`Không khởi động được (failed to start): ${text}\n`);
  process.exit(1);
});
