/**
 * `npm run zalo:token`: the OA token pair kept in SQLite (DATA_DIR/assistant.db).
 *   --set-refresh <token>   first set-up or recovery: store a refresh token from the developer
 *                           console; it is exchanged for an access token right away (and the
 *                           new pair stored) when ZALO_APP_ID and ZALO_APP_SECRET are set
 *   --refresh               refresh now
 *   (no option)             show the stored pair's state (never the tokens themselves)
 * Refresh tokens are single-use: after --set-refresh, do not reuse the same token elsewhere.
 */
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { createLogger } from '../core/logger.ts';
import { openDatabase } from '../storage/database.ts';
import { ZaloTokenStore, type StoredTokenPair } from '../storage/zalo-tokens.ts';
import { ZaloTokenManager } from '../channels/zalo-oa/token-manager.ts';

const out = (s: string) => process.stdout.write(s + '\n');
const mask = (t?: string) => (t ? `…${t.slice(-4)} (${t.length} ký tự)` : '(chưa có)');

function describePair(pair: StoredTokenPair | undefined): string {
  if (!pair) return 'Chưa lưu token nào (no token stored).';
  const expires = pair.accessExpiresAt === undefined ? 'không rõ (unknown)' : new Date(pair.accessExpiresAt).toISOString();
  return [
    `access token:  ${mask(pair.accessToken)}, hết hạn (expires) ${expires}`,
    `refresh token: ${mask(pair.refreshToken)}${pair.refreshDead ? ' — BỊ TỪ CHỐI (refused by Zalo): đặt mã mới bằng --set-refresh' : ''}`,
    `nguồn (source): ${pair.source}, cập nhật ${new Date(pair.updatedAt).toISOString()}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'info');
  const db = openDatabase(join(config.dataDir, 'assistant.db'));
  try {
    const store = new ZaloTokenStore(db);
    const manager = new ZaloTokenManager({
      store,
      appId: config.zaloOa.appId,
      appSecret: config.zaloOa.appSecret,
      oauthBaseUrl: config.zaloOa.oauthBaseUrl,
      logger,
    });
    const i = args.indexOf('--set-refresh');
    if (i >= 0) {
      const token = args[i + 1]?.trim();
      if (!token || token.startsWith('--')) throw new Error('usage: npm run zalo:token -- --set-refresh <refresh_token>');
      store.setRefreshToken(token);
      out('Đã lưu refresh token (stored).');
      if (config.zaloOa.appId && config.zaloOa.appSecret) {
        await manager.refresh();
        out('Đã đổi lấy access token mới và lưu cặp token mới (exchanged and stored).');
      } else {
        out('Chưa có ZALO_APP_ID/ZALO_APP_SECRET: access token sẽ được lấy ở lần gửi đầu tiên.');
      }
    } else if (args.includes('--refresh')) {
      await manager.refresh();
      out('Đã làm mới token (refreshed).');
    } else if (args.length > 0 && !args.includes('--status')) {
      throw new Error(`unknown option ${args.join(' ')}; use --set-refresh <token>, --refresh or --status`);
    }
    out(describePair(store.get()));
  } finally {
    db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`zalo:token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
