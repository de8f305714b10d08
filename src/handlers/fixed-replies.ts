/**
 * Replies that never change (greeting, help, thanks, goodbye, the polite decline) live in
 * the intents' YAML; this turns them into messages.
 */
import { buttonsMessage, type Handler } from '../core/dialogue.ts';
import type { OutgoingMessage, Reply } from '../core/messages.ts';
import type { IntentDefinition } from '../nlu/intents.ts';

export function fixedMessages(intent: IntentDefinition | undefined): OutgoingMessage[] {
  if (!intent || intent.responses.length === 0) return [];
  return intent.responses.map((r) =>
    buttonsMessage(
      r.text,
      (r.buttons ?? []).map((b) => ({ kind: 'postback' as const, title: b.title, payload: b.payload })),
      // The YAML texts already number their choices.
      false,
    ),
  );
}

/** A handler that sends the fixed reply of `intentName`. */
export function fixedReply(intentName: string): Handler {
  return (ctx): Reply => {
    const messages = fixedMessages(ctx.services.intents.get(intentName));
    if (messages.length === 0) throw new Error(`intent "${intentName}" has no responses in intents/*.yaml`);
    return { messages, intent: intentName, sources: [], confidence: ctx.prediction.confidence || 1 };
  };
}
