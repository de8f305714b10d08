/**
 * The intents the router knows. The handler map is typed on this list, so an intent
 * without a handler is a compile error; `checkHandlersCover` also checks the YAML at start-up.
 */
export const INTENT_NAMES = [
  'greeting',
  'help',
  'thanks',
  'goodbye',
  'out_of_scope',
  'plan_question',
  'lead_question',
  'agency_tasks_question',
  'target_question',
  'procedure_question',
  'handoff',
  'quiz',
] as const;

export type IntentName = (typeof INTENT_NAMES)[number];

export function isIntentName(name: string): name is IntentName {
  return (INTENT_NAMES as readonly string[]).includes(name);
}

/** Intents answered from the knowledge base. */
export const KNOWLEDGE_INTENTS: ReadonlySet<IntentName> = new Set([
  'plan_question',
  'lead_question',
  'agency_tasks_question',
  'target_question',
  'procedure_question',
]);

/** Short social turns answered with the intent's fixed reply. */
export const SOCIAL_INTENTS: ReadonlySet<IntentName> = new Set(['greeting', 'help', 'thanks', 'goodbye']);
