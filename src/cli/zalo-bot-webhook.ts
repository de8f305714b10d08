/**
 * `npm run zalo-bot:webhook -- --url https://host/webhooks/zalo-bot`: tells the Zalo Bot
 * Platform where to send updates, with ZALO_BOT_SECRET_TOKEN as the secret it will send
 * back in `X-Bot-Api-Secret-Token`. Also `--info` (current webhook) and `--delete`.
 */
import { loadConfig } from '../config.ts';
import { ZaloBotClient } from '../channels/zalo-bot/bot-client.ts';

const out = (s: string) => process.stdout.write(s + '\n');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = loadConfig();
  const { token, secretToken, apiBaseUrl } = config.zaloBot;
  if (!token) throw new Error('ZALO_BOT_TOKEN is not set');
  const bot = new ZaloBotClient({ token, apiBaseUrl });
  const i = args.indexOf('--url');
  if (i >= 0) {
    const url = args[i + 1];
    if (!url || !/^https:\/\/[^\s]+$/.test(url)) throw new Error('usage: npm run zalo-bot:webhook -- --url https://your-host/webhooks/zalo-bot (https only)');
    if (!secretToken || secretToken.length < 8 || secretToken.length > 256) {
      throw new Error('ZALO_BOT_SECRET_TOKEN must be set, 8 to 256 characters');
    }
    const me = await bot.getMe();
    await bot.setWebhook(url, secretToken);
    out(`Đã đặt webhook cho bot ${me.display_name ?? me.account_name ?? me.id}: ${url}`);
  } else if (args.includes('--delete')) {
    await bot.deleteWebhook();
    out('Đã xóa webhook (deleted).');
  } else if (args.includes('--info') || args.length === 0) {
    out(JSON.stringify(await bot.getWebhookInfo(), null, 2));
  } else {
    throw new Error(`unknown option ${args.join(' ')}; use --url https://…, --info or --delete`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`zalo-bot:webhook: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
