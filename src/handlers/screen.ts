/**
 * The safety screen as a pipeline step: jailbreaks (any language or encoding), forgery and
 * other unlawful requests, someone's personal data, abuse and political provocation are
 * declined politely (intent out_of_scope) before anything is searched; a greeting with extra
 * words ("chào em, chị ở Tân Yên muốn hỏi chút việc") gets the menu.
 */
import { buttonsMessage, type Step } from '../core/dialogue.ts';
import type { SafetyScreen } from '../nlu/safety-screen.ts';
import { fixedMessages } from './fixed-replies.ts';

export function screenStep(screen: SafetyScreen): Step {
  return (turn, next, services) => {
    if (turn.text.startsWith('#')) return next();
    const verdict = screen.screen(turn.text);
    if (verdict) {
      const buttons = verdict.buttons.map((b) => ({ kind: 'postback' as const, title: b.title, payload: b.payload }));
      services.logger.info('safety screen declined a message', { class: verdict.class, via: verdict.via });
      return { messages: [buttonsMessage(verdict.reply, buttons)], intent: 'out_of_scope', sources: [], confidence: 1 };
    }
    if (screen.isGreetingOnly(turn.text)) {
      return { messages: fixedMessages(services.intents.get('greeting')), intent: 'greeting', sources: [], confidence: 1 };
    }
    return next();
  };
}
