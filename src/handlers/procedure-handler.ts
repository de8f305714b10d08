/**
 * Citizens' procedures (TTHC): a procedure card from the catalog, follow-up answers
 * ("#tthc:<code>:<aspect>", or "cần giấy tờ gì?" in context), lists by field, and — when the
 * catalog has nothing — the plans' answer or the nearest procedures and the one-stop office.
 *
 * Payloads: "#tthc:<code>" (card), "#tthc:<code>:<aspect>" (one aspect),
 * "#tthc:linh-vuc:<field>" (procedures of a field).
 */
import { buttonsMessage, type Handler, type TurnContext, type TurnReply } from '../core/dialogue.ts';
import type { Button, OutgoingMessage, SourceRef } from '../core/messages.ts';
import { citationLine, extractFromChunk, sourceRefOf } from '../answer/compose-answer.ts';
import { foldDiacritics } from '../nlu/vietnamese.ts';
import { numberedChoices } from '../core/messages.ts';
import type { ProcedureCatalog } from '../tthc/procedure-catalog.ts';
import { CARD_MAX_CHARS, renderAspect, renderCard, renderFieldList } from '../tthc/render.ts';
import type { Procedure } from '../tthc/schema.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';
import { askButtonTitle } from './menu.ts';

const INTENT = 'procedure_question';
/** Payload segment that lists a field instead of naming a procedure. */
export const FIELD_PAYLOAD = 'linh-vuc';
/** A nearest procedure is worth offering from this score and coverage. */
const NEAREST_MIN_SCORE = 0.3;
const NEAREST_MIN_COVERAGE = 0.4;
/** A message this generic ("nộp hồ sơ qua mạng ở đâu") is a question for the plans… */
const GENERIC_MIN_SHARE = 0.8;
/** …and so is a specific one the plans answer this surely. */
const PLAN_ANSWER_MIN_CONFIDENCE = 0.95;
/** A plan passage is cited on a card only when it covers this much of the plan query. */
const PLAN_MIN_COVERAGE = 0.6;

/** Payload prefixes this feature owns: "#tthc:…". */
export const PROCEDURE_PAYLOADS: Readonly<Record<string, Handler>> = { tthc: (ctx) => procedureHandler(ctx) };

export const procedureHandler: Handler = async (ctx): Promise<TurnReply> => {
  const catalog = ctx.services.procedures;
  if (!catalog || catalog.procedures.length === 0) return knowledgeAnswer(INTENT)(ctx);
  if (ctx.text.startsWith('#tthc:')) return payloadReply(ctx, catalog);

  const named = catalog.recognize(ctx.text);
  const fields = catalog.fieldsNamedIn(ctx.text);
  if (fields.length > 0 && (catalog.asksForList(ctx.text) || !named)) return fieldList(ctx, catalog, fields[0]!);
  if (named) return card(ctx, catalog, named.procedure);
  if (catalog.asksForList(ctx.text)) return fieldsOverview(ctx, catalog);
  return nothingMatched(ctx, catalog);
};

async function payloadReply(ctx: TurnContext, catalog: ProcedureCatalog): Promise<TurnReply> {
  const [, code = '', ...rest] = ctx.text.split(':');
  if (code === FIELD_PAYLOAD) {
    const field = rest.join(':').trim();
    return catalog.fields().some((f) => f.field === field) ? fieldList(ctx, catalog, field) : fieldsOverview(ctx, catalog);
  }
  const procedure = catalog.get(code.trim());
  if (!procedure) return fieldsOverview(ctx, catalog);
  const aspect = rest[0] ? catalog.aspect(rest[0].trim()) : undefined;
  if (!aspect) return card(ctx, catalog, procedure);
  // Postbacks first: a typed number picks the same button the numbered list shows.
  const buttons = [...followUpButtons(catalog, procedure, aspect.id).slice(0, 5), ...onlineButtons(ctx, procedure)];
  const text = renderAspect(procedure, aspect, { portalUrl: portalOf(ctx), reserve: reserveFor(buttons) });
  return reply([buttonsMessage(text, buttons)], [catalogSource(catalog, procedure)], { procedure: procedure.code });
}

async function card(ctx: TurnContext, catalog: ProcedureCatalog, procedure: Procedure): Promise<TurnReply> {
  const buttons = [...followUpButtons(catalog, procedure).slice(0, 5), ...onlineButtons(ctx, procedure)];
  const plan = await planLine(ctx, procedure);
  const text = renderCard(procedure, { portalUrl: portalOf(ctx), planLine: plan?.line, reserve: reserveFor(buttons) });
  const sources = [catalogSource(catalog, procedure), ...(plan && text.includes(plan.line) ? [plan.ref] : [])];
  return reply([buttonsMessage(text, buttons)], sources, { procedure: procedure.code });
}

function fieldList(ctx: TurnContext, catalog: ProcedureCatalog, field: string): TurnReply {
  const procedures = catalog.fields().find((f) => f.field === field)?.procedures ?? [];
  const buttons = procedures.slice(0, 6).map((p) => ({ kind: 'postback' as const, title: askButtonTitle(p.name), payload: `#tthc:${p.code}` }));
  return reply([buttonsMessage(renderFieldList(field, procedures, portalOf(ctx)), buttons)], [], {});
}

/** Every field with its procedures, when someone asks "có những thủ tục nào?". */
function fieldsOverview(ctx: TurnContext, catalog: ProcedureCatalog): TurnReply {
  const fields = catalog.fields();
  const lines = [
    'Dạ, em đang có hướng dẫn các thủ tục sau (theo lĩnh vực):',
    ...fields.map((f) => `- ${f.field}: ${f.procedures.map((p) => p.name).join('; ')}`),
    `Danh mục đầy đủ: Cổng Dịch vụ công quốc gia ${portalOf(ctx)}.`,
  ];
  const buttons = fields.slice(0, 6).map((f) => ({ kind: 'postback' as const, title: askButtonTitle(`Thủ tục ${f.field}`), payload: `#tthc:${FIELD_PAYLOAD}:${f.field}` }));
  return reply([buttonsMessage(lines.join('\n'), buttons)], [], {});
}

/**
 * Nothing in the catalog: the plans may still answer (how to submit online, payment, the
 * community digital teams); the nearest procedures and the one-stop office close the reply.
 */
async function nothingMatched(ctx: TurnContext, catalog: ProcedureCatalog): Promise<TurnReply> {
  const nearest = catalog
    .rank(ctx.text, 3)
    .filter((m) => m.score >= NEAREST_MIN_SCORE && m.coverage >= NEAREST_MIN_COVERAGE)
    .map((m) => ({ kind: 'postback' as const, title: askButtonTitle(m.procedure.name), payload: `#tthc:${m.procedure.code}` }));
  const answer = await knowledgeAnswer(INTENT)(ctx);
  const suggestion =
    nearest.length > 0 ? [buttonsMessage('Anh/chị cũng có thể xem hướng dẫn các thủ tục gần nhất với câu hỏi:', nearest)] : [];
  // A question for the plans (no word asking for a procedure), a general one about doing
  // procedures online, or one the plans answer surely: the plans' answer.
  const forPlans = !catalog.soundsLikeRequest(ctx.text) || catalog.genericShare(ctx.text) >= GENERIC_MIN_SHARE;
  if (answer.intent === INTENT && answer.sources.length > 0 && (forPlans || answer.confidence >= PLAN_ANSWER_MIN_CONFIDENCE)) {
    const messages = [...answer.messages, ...suggestion];
    return fits(messages) ? { ...answer, messages } : answer;
  }
  const { officialChannel } = ctx.services.config;
  const text = [
    'Dạ, em chưa có hướng dẫn cho thủ tục này trong danh mục thủ tục em đang có, nên em không dám trả lời để tránh sai sót ạ.',
    ...(nearest.length > 0 ? ['Các thủ tục gần nhất em có hướng dẫn:'] : []),
  ].join('\n');
  const office = `Anh/chị có thể hỏi trực tiếp Bộ phận một cửa của UBND xã, phường nơi cư trú, hoặc tra cứu trên Cổng Dịch vụ công quốc gia: ${officialChannel.portalUrl}${officialChannel.hotline ? `, đường dây nóng ${officialChannel.hotline}` : ''}.`;
  return {
    messages: [buttonsMessage(text, nearest), { type: 'text', text: office }],
    intent: INTENT,
    sources: [],
    confidence: answer.confidence,
    // A procedure the catalog lacks replaces the last one: "cần giấy tờ gì?" must not answer for it.
    remember: { procedure: undefined },
  };
}

/** What the province's plan says about doing this procedure online, cited, when the plan speaks of it. */
async function planLine(ctx: TurnContext, procedure: Procedure): Promise<{ line: string; ref: SourceRef } | undefined> {
  const { kb } = ctx.services;
  for (const query of procedure.planQueries) {
    const hit = (await kb.search(query, { limit: 3 }))[0];
    if (!hit || hit.coverage < PLAN_MIN_COVERAGE) continue;
    const extract = bestWindow(hit.chunk.text, kb.keywords(query), 200) ?? extractFromChunk(hit.chunk.text, kb.keywords(query), 200, (t) => kb.termsOf(t));
    const ref = sourceRefOf(hit);
    return { line: `Kế hoạch của tỉnh: "${extract}" (${citationLine(ref).replace(/\.$/u, '')})`, ref };
  }
  return undefined;
}

function onlineButtons(ctx: TurnContext, procedure: Procedure): Button[] {
  const online = procedure.submission?.channels.find((c) => c.kind === 'truc-tuyen' && c.url);
  if (online?.url) return [{ kind: 'url', title: 'Nộp hồ sơ trực tuyến', url: online.url }];
  return [{ kind: 'url', title: 'Tra cứu trên Cổng DVC quốc gia', url: portalOf(ctx) }];
}

function followUpButtons(catalog: ProcedureCatalog, procedure: Procedure, except?: string): Button[] {
  return catalog.aspects
    .filter((a) => a.button && a.id !== except && a.groups.some((g) => procedure[g] !== undefined))
    .map((a) => ({ kind: 'postback' as const, title: a.title, payload: `#tthc:${procedure.code}:${a.id}` }));
}

function catalogSource(catalog: ProcedureCatalog, procedure: Procedure): SourceRef {
  const dates = [procedure.agency.verifiedOn, procedure.documents?.verifiedOn, procedure.fees?.verifiedOn].filter((d): d is string => !!d).sort();
  return { doc: `tthc:${procedure.code}`, title: `Danh mục TTHC (${catalog.fileOf(procedure.code) ?? 'knowledge/tthc'})`, section: procedure.name, date: dates[0] ?? '' };
}

function portalOf(ctx: TurnContext): string {
  return ctx.services.config.officialChannel.portalUrl;
}

/** Characters the numbered button lines add to a buttons message. */
function reserveFor(buttons: readonly Button[]): number {
  return buttons.length > 0 ? numberedChoices(buttons).length + 1 : 0;
}

function fits(messages: readonly OutgoingMessage[]): boolean {
  return messages.map((m) => m.text).join('\n\n').length <= CARD_MAX_CHARS;
}

function reply(messages: OutgoingMessage[], sources: SourceRef[], remember: TurnReply['remember']): TurnReply {
  return { messages, intent: INTENT, sources, confidence: 1, remember };
}

/**
 * The run of words (at most `budget` characters) holding most of the query's keywords: plan
 * rows extracted from PDF tables interleave their columns, so the sentence about the videos
 * sits mid-row and a head-and-tail cut would miss it.
 */
function bestWindow(text: string, keywords: readonly string[], budget: number): string | undefined {
  const words = text.split(/\s+/u).filter(Boolean);
  const wanted = new Set(keywords);
  let best: { from: number; to: number; score: number } | undefined;
  for (let from = 0; from < words.length; from++) {
    let length = 0;
    const seen = new Set<string>();
    let to = from;
    for (; to < words.length && length + words[to]!.length + 1 <= budget; to++) {
      length += words[to]!.length + 1;
      const key = foldDiacritics(words[to]!.replace(/[^\p{L}\p{N}]/gu, ''));
      if (wanted.has(key)) seen.add(key);
    }
    if (!best || seen.size > best.score) best = { from, to, score: seen.size };
  }
  if (!best || best.score < Math.min(3, wanted.size)) return undefined;
  const out = words.slice(best.from, best.to).join(' ');
  return `${best.from > 0 ? '… ' : ''}${out}${best.to < words.length ? ' …' : ''}`;
}
