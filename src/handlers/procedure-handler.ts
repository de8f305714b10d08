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
import { changeNotes } from '../changes/index.ts';
import { CARD_MAX_CHARS, renderAspect, renderCardParts, renderFieldList } from '../tthc/render.ts';
import type { Aspect } from '../tthc/aspects.ts';
import type { FactGroupName, Procedure } from '../tthc/schema.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';
import { askButtonTitle } from './menu.ts';

const INTENT = 'procedure_question';
/** Payload segment that lists a field instead of naming a procedure. */
export const FIELD_PAYLOAD = 'linh-vuc';
/** A nearest procedure is worth offering from this score and coverage. */
const NEAREST_MIN_SCORE = 0.3;
const NEAREST_MIN_COVERAGE = 0.4;
/** A message this generic ("nộp hồ sơ qua mạng ở đâu") is a question for the plans. */
const GENERIC_MIN_SHARE = 0.8;
/** Online links an answer about doing a procedure online offers as buttons. */
const MAX_ONLINE_BUTTONS = 3;
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
  if (named) {
    // "Làm lý lịch tư pháp hết bao nhiêu tiền?": the fee, not the whole card.
    const asked = catalog.detectAspect(ctx.text, named.procedure.code);
    if (asked && !asked.aspect.cardWhenNamed) return aspectReply(ctx, catalog, named.procedure, asked.aspect);
    return card(ctx, catalog, named.procedure);
  }
  if (catalog.asksForList(ctx.text) && !catalog.asksAboutServices(ctx.text)) return fieldsOverview(ctx, catalog);
  // "Cần giấy tờ gì?" with no procedure named or discussed: ask which, rather than guess one.
  if (ctx.text.split(/\s+/).length <= BARE_ASPECT_MAX_WORDS && catalog.detectAspect(ctx.text)) return whichProcedure(ctx, catalog);
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
  return aspectReply(ctx, catalog, procedure, aspect);
}

/**
 * One aspect of a procedure, with the card's source, the official link(s) and buttons for
 * the other aspects and the whole card. Postbacks first: a typed number picks the same
 * button the numbered list shows.
 */
function aspectReply(ctx: TurnContext, catalog: ProcedureCatalog, procedure: Procedure, aspect: Aspect): TurnReply {
  const links = aspect.emphasis === 'online' ? onlineLinks(ctx, procedure) : onlineButtons(ctx, procedure);
  const whole: Button = { kind: 'postback', title: 'Xem toàn bộ hướng dẫn', payload: `#tthc:${procedure.code}` };
  const buttons = [...followUpButtons(catalog, procedure, aspect.id).slice(0, 5 - links.length), whole, ...links];
  const text = renderAspect(procedure, aspect, { portalUrl: portalOf(ctx), reserve: reserveFor(buttons) });
  return reply([buttonsMessage(text, buttons)], [catalogSource(catalog, procedure)], { procedure: procedure.code });
}

/** Buttons that open the parts a card shortened ("Xem thêm: các bước"). */
const MORE_TITLES: Partial<Record<FactGroupName, string>> = {
  steps: 'Xem thêm: các bước',
  documents: 'Xem thêm: giấy tờ',
  fees: 'Xem thêm: phí, miễn phí',
};

async function card(ctx: TurnContext, catalog: ProcedureCatalog, procedure: Procedure): Promise<TurnReply> {
  const plan = await planLine(ctx, procedure);
  // The dialogue adds a line for each change since the plan a quoted plan line names.
  const notes = plan && ctx.services.changes ? changeNotes(plan.line, ctx.services.changes).join('\n') : '';
  const portalUrl = portalOf(ctx);
  const draft = renderCardParts(procedure, { portalUrl, planLine: plan?.line, reserve: notes ? notes.length + 2 : 0 });
  const buttons = cardButtons(ctx, catalog, procedure, draft.shortened);
  const { text } = renderCardParts(procedure, { portalUrl, planLine: plan?.line, reserve: reserveFor(buttons) + (notes ? notes.length + 2 : 0) });
  const sources = [catalogSource(catalog, procedure), ...(plan && text.includes(plan.line) ? [plan.ref] : [])];
  return reply([buttonsMessage(text, buttons)], sources, { procedure: procedure.code });
}

/** A card's buttons: the shortened parts first ("Xem thêm"), then the follow-up aspects, then the online link. */
function cardButtons(ctx: TurnContext, catalog: ProcedureCatalog, procedure: Procedure, shortened: readonly FactGroupName[]): Button[] {
  const online = onlineButtons(ctx, procedure);
  const followUps = followUpButtons(catalog, procedure);
  const more = shortened.flatMap((g): Button[] => {
    const aspect = catalog.aspects.find((a) => a.groups.length === 1 && a.groups[0] === g && !a.emphasis);
    const title = MORE_TITLES[g];
    if (!aspect || !title) return [];
    const payload = `#tthc:${procedure.code}:${aspect.id}`;
    return [{ kind: 'postback', title, payload }];
  });
  const morePayloads = new Set(more.map((b) => (b.kind === 'postback' ? b.payload : '')));
  const rest = followUps.filter((b) => b.kind !== 'postback' || !morePayloads.has(b.payload));
  return [...more, ...rest].slice(0, 6 - online.length).concat(online);
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

/** A short aspect question ("mất bao lâu?") names no procedure when it has at most this many words. */
const BARE_ASPECT_MAX_WORDS = 6;

/** "Cần giấy tờ gì?" with no procedure in the message or the conversation: ask which one. */
function whichProcedure(ctx: TurnContext, catalog: ProcedureCatalog): TurnReply {
  const buttons = catalog.procedures.slice(0, 6).map((p) => ({ kind: 'postback' as const, title: askButtonTitle(p.name), payload: `#tthc:${p.code}` }));
  const text = 'Dạ, em chưa có thông tin anh/chị đang hỏi về thủ tục nào ạ. Anh/chị cho em biết tên thủ tục (ví dụ: đăng ký khai sinh, đăng ký thường trú), hoặc chọn một thủ tục em có hướng dẫn:';
  return reply([buttonsMessage(text, buttons)], [], { procedure: undefined });
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
  let answer = await knowledgeAnswer(INTENT)(ctx);
  if (answer.sources.length === 0 && catalog.asksAboutServices(ctx.text)) {
    // A question about public services at large, diluted by everyday words: once more with its topic words.
    const focused = catalog.topicText(ctx.text);
    if (focused && focused !== ctx.text) {
      const hits = await ctx.services.kb.search(focused, { limit: 8 });
      const again = await knowledgeAnswer(INTENT)({ ...ctx, text: focused, hits });
      if (again.sources.length > 0) answer = again;
    }
  }
  const suggestion =
    nearest.length > 0 ? [buttonsMessage('Anh/chị cũng có thể xem hướng dẫn các thủ tục gần nhất với câu hỏi:', nearest)] : [];
  // A question for the plans (no word asking for a procedure), a general one about doing
  // procedures online, or one about public services at large (who helps, paying online,
  // results by post): the plans' answer when they hold one. A procedure the catalog lacks
  // ("đổi tên cho con", "cấp sổ đỏ") is none of these and gets the honest reply below.
  const forPlans =
    !catalog.soundsLikeRequest(ctx.text) || catalog.genericShare(ctx.text) >= GENERIC_MIN_SHARE ||
    catalog.asksAboutServices(ctx.text) ||
    catalog.asksWhatPlansSet(ctx.text);
  if (answer.intent === INTENT && answer.sources.length > 0 && forPlans) {
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

/** Every verified online portal of a procedure, as link buttons (the national portal when none). */
function onlineLinks(ctx: TurnContext, procedure: Procedure): Button[] {
  const seen = new Set<string>();
  const links = (procedure.submission?.channels ?? []).flatMap((c): Button[] => {
    if (c.kind !== 'truc-tuyen' || !c.url || seen.has(c.url)) return [];
    seen.add(c.url);
    return [{ kind: 'url', title: askButtonTitle(portalTitle(c.text)), url: c.url }];
  });
  return links.length > 0 ? links.slice(0, MAX_ONLINE_BUTTONS) : onlineButtons(ctx, procedure);
}

/** "Cổng Dịch vụ công Bộ Công an" from a channel's text (its first clause). */
function portalTitle(text: string): string {
  return text.split(/[,;(]/u)[0]!.trim();
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
