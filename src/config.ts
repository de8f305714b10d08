/**
 * The one reader of the environment. Everything is optional: with nothing set the
 * assistant serves the web chat on localhost and keeps the Zalo channels off.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const number = (dflt: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return dflt;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `not a number: "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const EnvSchema = z.object({
  PORT: number(3000),
  HOST: z.string().optional().default('127.0.0.1'),
  DATA_DIR: z.string().optional().default('./data'),
  KNOWLEDGE_DIR: z.string().optional().default('./knowledge'),
  EMBEDDING_MODEL_DIR: z.string().optional().default('./models/bg-static-vi'),
  /** Prefixes for instruction-tuned models such as multilingual-e5 ("query: ", "passage: "). */
  EMBEDDING_QUERY_PREFIX: z.string().optional().default(''),
  EMBEDDING_PASSAGE_PREFIX: z.string().optional().default(''),
  EMBEDDING_POOLING: z.enum(['mean', 'cls']).optional().default('mean'),
  /** Hybrid fusion weights (reciprocal rank fusion). Set the vector weight to 0 to turn embeddings off. */
  SEARCH_LEXICAL_WEIGHT: number(1),
  // Measured on the dev sets (npm run bench): 0.15 scores best; 0.6 lost 2 points on dev-v2 to lexical-only.
  SEARCH_VECTOR_WEIGHT: number(0.15),
  SEARCH_RRF_K: number(60),
  /** Below this confidence the assistant says it has not found the information. */
  ANSWER_MIN_CONFIDENCE: number(0.48),
  ANSWER_MAX_CHARS: number(700),
  /** Longest message a user may send, in characters. */
  MESSAGE_MAX_CHARS: number(1000),
  /** Worker threads that answer (one per core when unset); 0 answers on the server thread itself. */
  ANSWER_WORKERS: number(-1),
  /** Days to keep conversation messages; 0 keeps them forever. */
  RETENTION_DAYS: number(90),
  /** The official channel named when the assistant does not know. */
  OFFICIAL_PORTAL_URL: z.string().optional().default('https://dichvucong.gov.vn'),
  /**
   * The provincial public-service portal. Default: the national portal, because Bắc Giang
   * merged into Bắc Ninh on 01/7/2025 (the old dichvucong.bacgiang.gov.vn is pre-merger) and
   * no official page confirming the merged province's portal was found (knowledge/changes.yaml).
   */
  PROVINCE_PORTAL_URL: z.string().optional().default('https://dichvucong.gov.vn'),
  /** `npm run kb:build` flags changes (knowledge/changes.yaml) checked more than this many days ago. */
  CHANGES_MAX_AGE_DAYS: number(180),
  HOTLINE: z.string().optional().default(''),
  OFFICE_HOURS: z.string().optional().default('Thứ Hai đến Thứ Sáu, 7h30–11h30 và 13h30–17h00'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional().default('info'),
  ZALO_APP_ID: optionalText,
  ZALO_APP_SECRET: optionalText,
  ZALO_OA_SECRET_KEY: optionalText,
  ZALO_OA_ACCESS_TOKEN: optionalText,
  ZALO_OA_REFRESH_TOKEN: optionalText,
  ZALO_API_BASE_URL: z.string().optional().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE_URL: z.string().optional().default('https://oauth.zaloapp.com'),
  ZALO_BOT_TOKEN: optionalText,
  ZALO_BOT_SECRET_TOKEN: optionalText,
  ZALO_BOT_API_BASE_URL: z.string().optional().default('https://bot-api.zaloplatforms.com'),
  ADMIN_TOKEN: optionalText,
  /** Minutes an open handoff may wait for a first staff reply before the user is given the hotline (0 = never). */
  HANDOFF_REPLY_TIMEOUT_MINUTES: number(240),
  /** Where curated answers are exported to and imported from (default KNOWLEDGE_DIR/curated). */
  CURATED_DIR: optionalText,
  /** Trainer console and quiz-session API (Bearer token); unset = only from this machine (localhost). */
  TRAINER_TOKEN: optionalText,
  /** The address learners open (join link and QR code), e.g. https://trolyao.bacgiang.gov.vn; default: the address the console was opened at. */
  PUBLIC_BASE_URL: optionalText,
  /** OA webhook signature: `enforce` rejects a bad one (401); `log-only` accepts it with a warning, for first set-up only. */
  ZALO_OA_SIGNATURE_MODE: z.enum(['enforce', 'log-only']).optional().default('enforce'),
  /** Which secret the OA signature uses (sources disagree): the OA Secret Key (default) or the App Secret. */
  ZALO_OA_SIGNATURE_SECRET: z.enum(['oa-secret-key', 'app-secret']).optional().default('oa-secret-key'),
  /** Where the signed timestamp comes from: the body's `timestamp` field (default) or the `X-ZEvent-Timestamp` header. */
  ZALO_OA_SIGNATURE_TIMESTAMP: z.enum(['body', 'header']).optional().default('body'),
  /**
   * OA events whose signed timestamp is older than this (hours) are refused as replays. Zalo
   * retries an event with its original body, hence its original timestamp, for up to 12 h:
   * 13 leaves an hour of margin. 0 turns the check off (not for production).
   */
  ZALO_REPLAY_WINDOW_HOURS: number(13),
  /** Largest webhook body accepted, in bytes (413 above). */
  ZALO_WEBHOOK_MAX_BYTES: number(65_536),
  /** Outbox: first retry delay, longest delay, attempts before giving up, parallel sends. */
  ZALO_SEND_RETRY_BASE_MS: number(1000),
  ZALO_SEND_RETRY_MAX_MS: number(300_000),
  ZALO_SEND_MAX_ATTEMPTS: number(40),
  ZALO_SEND_CONCURRENCY: number(8),
  /**
   * Which proxies' X-Forwarded-For to believe for the client's IP (per-IP limits), as Express's
   * `trust proxy`: e.g. `loopback` behind nginx on the same machine, `1` for one hop. Empty: none
   * (behind a proxy every client would then share the proxy's address and its limits).
   */
  TRUST_PROXY: optionalText,
  /** Messages one user may send per minute on any channel (0 = no limit). */
  RATE_LIMIT_PER_MINUTE: number(20),
  /** Web chat requests one IP may send per minute (0 = no limit); loopback clients are exempt. */
  RATE_LIMIT_PER_IP_PER_MINUTE: number(120),
});

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  knowledgeDir: string;
  embedding: { modelDir: string; queryPrefix: string; passagePrefix: string; pooling: 'mean' | 'cls' };
  search: { lexicalWeight: number; vectorWeight: number; rrfK: number };
  answer: { minConfidence: number; maxChars: number };
  messageMaxChars: number;
  /** Answer worker threads (src/answering/); 0 = answer on the server thread. */
  answerWorkers: number;
  retentionDays: number;
  officialChannel: { portalUrl: string; provincePortalUrl: string; hotline: string; officeHours: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  zaloOa: {
    appId?: string;
    appSecret?: string;
    oaSecretKey?: string;
    accessToken?: string;
    refreshToken?: string;
    apiBaseUrl: string;
    oauthBaseUrl: string;
  };
  zaloBot: { token?: string; secretToken?: string; apiBaseUrl: string };
  adminToken?: string;
  /** The staff side: how long a handoff waits for staff before the hotline message; the curated answers' folder. */
  staff: { replyTimeoutMs: number; curatedDir: string };
  /** Trainer sessions: the console's token and the public address for join links. */
  quiz: { trainerToken?: string; publicBaseUrl?: string };
  /** How the OA webhook signature is checked (UNCONFIRMED details are settings). */
  zaloSignature: {
    mode: 'enforce' | 'log-only';
    secret: 'oa-secret-key' | 'app-secret';
    timestamp: 'body' | 'header';
    /** Signed timestamps older than this are replays (0 = no check); ahead of the clock, at most REPLAY_FUTURE_MS. */
    replayWindowMs: number;
  };
  /** Webhook body limit and outbox retry policy, shared by both Zalo channels. */
  zaloDelivery: { webhookMaxBytes: number; retryBaseMs: number; retryMaxMs: number; maxAttempts: number; concurrency: number };
  rateLimitPerMinute: number;
  /** /api/chat requests per IP per minute (0 = off). */
  rateLimitPerIpPerMinute: number;
  /** Express `trust proxy` (undefined: trust no proxy header). */
  trustProxy?: string | number;
  /** The change data (knowledge/changes.yaml): how old a `checked` date may be before kb:build flags it. */
  changes: { maxAgeDays: number };
}

/** Thrown with every problem listed, so a bad `.env` is fixed in one go. */
export class ConfigError extends Error {}

/**
 * Reads and validates the environment once.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ (invalid configuration):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    knowledgeDir: resolve(e.KNOWLEDGE_DIR),
    embedding: {
      modelDir: resolve(e.EMBEDDING_MODEL_DIR),
      queryPrefix: e.EMBEDDING_QUERY_PREFIX,
      passagePrefix: e.EMBEDDING_PASSAGE_PREFIX,
      pooling: e.EMBEDDING_POOLING,
    },
    search: { lexicalWeight: e.SEARCH_LEXICAL_WEIGHT, vectorWeight: e.SEARCH_VECTOR_WEIGHT, rrfK: e.SEARCH_RRF_K },
    answer: { minConfidence: e.ANSWER_MIN_CONFIDENCE, maxChars: e.ANSWER_MAX_CHARS },
    messageMaxChars: e.MESSAGE_MAX_CHARS,
    answerWorkers: e.ANSWER_WORKERS < 0 ? availableParallelism() : Math.min(64, Math.floor(e.ANSWER_WORKERS)),
    retentionDays: e.RETENTION_DAYS,
    officialChannel: {
      portalUrl: e.OFFICIAL_PORTAL_URL,
      provincePortalUrl: e.PROVINCE_PORTAL_URL,
      hotline: e.HOTLINE,
      officeHours: e.OFFICE_HOURS,
    },
    logLevel: e.LOG_LEVEL,
    zaloOa: {
      appId: e.ZALO_APP_ID,
      appSecret: e.ZALO_APP_SECRET,
      oaSecretKey: e.ZALO_OA_SECRET_KEY,
      accessToken: e.ZALO_OA_ACCESS_TOKEN,
      refreshToken: e.ZALO_OA_REFRESH_TOKEN,
      apiBaseUrl: e.ZALO_API_BASE_URL,
      oauthBaseUrl: e.ZALO_OAUTH_BASE_URL,
    },
    zaloBot: { token: e.ZALO_BOT_TOKEN, secretToken: e.ZALO_BOT_SECRET_TOKEN, apiBaseUrl: e.ZALO_BOT_API_BASE_URL },
    adminToken: e.ADMIN_TOKEN,
    staff: {
      replyTimeoutMs: Math.max(0, e.HANDOFF_REPLY_TIMEOUT_MINUTES) * 60_000,
      curatedDir: resolve(e.CURATED_DIR ?? resolve(e.KNOWLEDGE_DIR, 'curated')),
    },
    quiz: { trainerToken: e.TRAINER_TOKEN, publicBaseUrl: e.PUBLIC_BASE_URL },
    zaloSignature: {
      mode: e.ZALO_OA_SIGNATURE_MODE,
      secret: e.ZALO_OA_SIGNATURE_SECRET,
      timestamp: e.ZALO_OA_SIGNATURE_TIMESTAMP,
      replayWindowMs: Math.max(0, e.ZALO_REPLAY_WINDOW_HOURS) * 3_600_000,
    },
    zaloDelivery: {
      webhookMaxBytes: e.ZALO_WEBHOOK_MAX_BYTES,
      retryBaseMs: e.ZALO_SEND_RETRY_BASE_MS,
      retryMaxMs: e.ZALO_SEND_RETRY_MAX_MS,
      maxAttempts: e.ZALO_SEND_MAX_ATTEMPTS,
      concurrency: Math.max(1, e.ZALO_SEND_CONCURRENCY),
    },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitPerIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
    trustProxy: e.TRUST_PROXY === undefined ? undefined : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    changes: { maxAgeDays: e.CHANGES_MAX_AGE_DAYS },
  };
}
