/**
 * The handler map: one handler per intent (typed, so a missing one does not compile),
 * plus the required fallback and the non-text turns.
 */
import type { HandlerMap } from '../core/dialogue.ts';
import { fixedReply } from './fixed-replies.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';
import { agencyTasksAnswer, leadAnswer, RECORD_PAYLOADS, targetAnswer } from './records-handlers.ts';
import { PROCEDURE_PAYLOADS, procedureHandler } from './procedure-handler.ts';
import { followHandler, handoffHandler, mediaHandler, moreHandler, payloadHandler } from './conversation-handlers.ts';
import { quizHandler } from './quiz-handler.ts';
import { frameFirst, NOT_TARGET_ATTRIBUTES, TASK_ATTRIBUTES } from './frame-routing.ts';

export function createHandlers(): HandlerMap {
  return {
    greeting: fixedReply('greeting'),
    help: fixedReply('help'),
    thanks: fixedReply('thanks'),
    goodbye: fixedReply('goodbye'),
    out_of_scope: fixedReply('out_of_scope'),
    plan_question: frameFirst(knowledgeAnswer('plan_question')),
    lead_question: frameFirst(leadAnswer('lead_question')),
    agency_tasks_question: frameFirst(agencyTasksAnswer('agency_tasks_question'), { handler: leadAnswer('lead_question'), when: TASK_ATTRIBUTES }),
    target_question: frameFirst(targetAnswer('target_question'), { handler: leadAnswer('lead_question'), when: NOT_TARGET_ATTRIBUTES }),
    procedure_question: procedureHandler,
    handoff: handoffHandler,
    quiz: quizHandler,
    fallback: frameFirst(knowledgeAnswer('plan_question')),
    payload: payloadHandler,
    media: mediaHandler,
    follow: followHandler,
    more: moreHandler,
    // Each feature registers the payload prefixes it owns.
    payloads: { ...PROCEDURE_PAYLOADS, ...RECORD_PAYLOADS },
  };
}

/** Handler names the intents must cover (checked against intents/*.yaml at start-up). */
export const HANDLED_INTENTS = Object.keys(createHandlers()).filter((k) => !['fallback', 'payload', 'media', 'follow', 'more', 'payloads'].includes(k));
