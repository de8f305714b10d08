/**
 * Delivers rendered OA messages: gets a token, sends, and on -216/-220 refreshes the token
 * and retries once. Failures come out as DeliveryError (retryable or not) for the outbox.
 */
import type { Reply } from '../../core/messages.ts';
import { DeliveryError, type ChannelSender } from '../outbox/delivery.ts';
import { ZaloOaError, type ZaloOaClient } from './oa-client.ts';
import { renderOaReply } from './render.ts';
import { TokenUnavailableError, type ZaloTokenManager } from './token-manager.ts';

export class ZaloOaSender implements ChannelSender {
  readonly channel = 'zalo-oa' as const;

  constructor(
    private readonly client: ZaloOaClient,
    private readonly tokens: ZaloTokenManager,
  ) {}

  render(reply: Reply, userId: string): unknown[] {
    return renderOaReply(reply, userId);
  }

  async send(_userId: string, payload: unknown): Promise<void> {
    try {
      const token = await this.tokens.accessToken();
      try {
        await this.client.sendCs(token, payload);
      } catch (error) {
        if (!(error instanceof ZaloOaError) || error.kind !== 'token') throw error;
        // Refresh and retry once; a second token error waits for the next attempt.
        const fresh = await this.tokens.refreshAfterReject(token);
        await this.client.sendCs(fresh, payload);
      }
    } catch (error) {
      if (error instanceof ZaloOaError) {
        if (error.kind === 'quota') throw new DeliveryError(error.message, true, error.code, { park: 'quota' });
        throw new DeliveryError(error.message, error.kind !== 'permanent', error.code, { unknownCode: error.kind === 'unknown' });
      }
      // -216/-220 and no usable refresh (refused, spent, missing): wait for the operator.
      if (error instanceof TokenUnavailableError) throw new DeliveryError(error.message, true, 'token', error.needsOperator ? { park: 'token' } : {});
      throw new DeliveryError(error instanceof Error ? error.message : String(error), true);
    }
  }
}
