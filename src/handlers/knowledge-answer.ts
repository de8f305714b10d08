/**
 * Questions about the plans (and, until the procedure catalog lands, procedures): a grounded
 * extract with its source, or an honest "not found" with suggestions and the official channel.
 */
import { buttonsMessage, type Handler, type TurnContext, type TurnReply } from '../core/dialogue.ts';
import type { Button, Reply } from '../core/messages.ts';
import { composeAnswer, splitSentences, type ComposedAnswer } from '../answer/compose-answer.ts';
import { ATTRIBUTE_LABEL, countLabel, missingIn, textGives } from '../answer/attribute-evidence.ts';
import type { Attribute } from '../nlu/question-frame.ts';
import type { SearchHit } from '../retrieval/knowledge-base.ts';
import { askButtonTitle } from './menu.ts';
import { responsibilityAnswer } from './responsibilities.ts';

export function knowledgeAnswer(intent: string): Handler {
  return async (ctx): Promise<TurnReply> => {
    const { kb, config } = ctx.services;
    // "Who leads X?" is about one task: never answer it with a list of its neighbours.
    const compose = (hits: readonly SearchHit[]) =>
      composeAnswer(hits, kb.keywords(ctx.text), {
        ...config.answer,
        allowList: intent !== 'lead_question',
        termsOf: (text) => kb.termsOf(text),
      });
    let answer = compose(ctx.hits);
    // The intent's preference (table rows for "who leads") may have pushed the passage that answers down: rank once more without it.
    let hits = ctx.hits;
    if (!answer.found) {
      hits = await ctx.services.kb.search(ctx.text, { limit: 8 });
      answer = compose(hits);
    }
    // Nothing in the text search: the duties of the "Tổ chức thực hiện" sections may still answer.
    if (!answer.found) return responsibilityAnswer(ctx) ?? notFound(ctx, intent, answer.confidence);
    ctx = { ...ctx, hits };
    let missing = missingAttributes(ctx, answer.excerpts.join(' '));
    if (missing.length > 0) {
      // A passage as relevant as the best one that does give what was asked goes first.
      const top = ctx.hits[0]!;
      const better = ctx.hits.slice(1, 5).find((h) => h.coverage >= top.coverage * 0.85 && missingAttributes(ctx, h.chunk.text).length === 0);
      if (better) {
        const again = compose([better, ...ctx.hits.filter((h) => h !== better)]);
        if (again.found) answer = again;
        missing = missingAttributes(ctx, answer.excerpts.join(' '));
      }
    }
    if (missing.length > 0) ({ answer, missing } = withGivingSentence(ctx, answer, missing));
    const text = missing.length > 0 ? sayWhatIsNotGiven(ctx, answer, missing) : answer.text;
    const messages: TurnReply['messages'] = [{ type: 'text', text }];
    // Where to do things online, when the answer leaves room for it (and a change note) on a phone screen.
    const online = onlineServiceMessage(ctx);
    if (intent === 'procedure_question' && text.length + online.text.length <= ROOM_FOR_ONLINE_LINE) messages.push(online);
    return { messages, intent, sources: answer.sources, confidence: answer.confidence, remember: { task: taskShownIn(ctx, answer.used[0]) }, missing };
  };
}

/** The task record whose table row the passage is, so "thế còn phối hợp?" can follow it. */
function taskShownIn(ctx: TurnContext, hit: SearchHit | undefined): string | undefined {
  if (!hit || hit.chunk.kind !== 'table_row') return undefined;
  const { chunk } = hit;
  return ctx.services.records?.tasks.find((t) => t.docId === chunk.docId && t.lines[0] <= chunk.lineEnd && t.lines[1] >= chunk.lineStart)?.id;
}

/** A figure in prose answers only when its sentence holds this share of the question's topic words… */
const SUBJECT_MIN_SHARE = 0.5;
/** …and of its two-syllable words: "hệ thống", "thông tin" and "đầu tư" scattered are not "hệ thống thông tin nguồn". */
const SUBJECT_MIN_PHRASE_SHARE = 0.4;

const share = (words: readonly string[], terms: ReadonlySet<string>) => (words.length === 0 ? 1 : words.filter((w) => terms.has(w)).length / words.length);

/**
 * The attributes the question asks that `text` does not give. A count or a budget asked of
 * a named agency must be given in a sentence about that agency (or about no agency), not
 * in one about another.
 */
function missingAttributes(ctx: TurnContext, text: string): Attribute[] {
  const { frame } = ctx;
  const missing = missingIn(text, frame);
  if (!frame) return missing;
  const agencies = ctx.services.records?.agencies;
  const named = new Set(frame.agencyIds);
  const topic = ctx.services.kb.keywords(ctx.text);
  const topicPhrases = ctx.services.kb.phrases(ctx.text);
  for (const attribute of ['count', 'budget'] as const) {
    if (!frame.attributes.includes(attribute) || missing.includes(attribute)) continue;
    const about = splitSentences(text).some((sentence) => {
      if (!textGives(attribute, sentence, frame)) return false;
      // A table row's amount belongs to its row; a sentence of prose must itself be about the subject asked.
      if (!sentence.includes(':')) {
        if (share(topic, ctx.services.kb.termsOf(sentence)) < SUBJECT_MIN_SHARE) return false;
        if (share(topicPhrases, ctx.services.kb.phrasesOf(sentence)) < SUBJECT_MIN_PHRASE_SHARE) return false;
      }
      if (named.size === 0 || !agencies) return true;
      const mentioned = agencies.findInQuestion(sentence).map((a) => a.id);
      return mentioned.length === 0 || mentioned.some((id) => named.has(id));
    });
    if (!about) missing.push(attribute);
  }
  return missing;
}

/** When the passage shown was cut before the sentence that gives the attribute, that sentence is added. */
function withGivingSentence(ctx: TurnContext, answer: ComposedAnswer, missing: Attribute[]): { answer: ComposedAnswer; missing: Attribute[] } {
  const first = answer.used[0];
  const excerpt = answer.excerpts[0];
  if (!first || excerpt === undefined) return { answer, missing };
  const keywords = ctx.services.kb.keywords(ctx.text);
  const terms = (s: string) => ctx.services.kb.termsOf(s);
  const sentence = splitSentences(first.chunk.text).find(
    (s) => !excerpt.includes(s) && missingAttributes(ctx, s).length < missing.length && keywords.some((k) => terms(s).has(k)),
  );
  if (!sentence) return { answer, missing };
  const extended = `${excerpt} … ${sentence}`;
  const next = { ...answer, text: answer.text.replace(excerpt, extended), excerpts: [extended, ...answer.excerpts.slice(1)] };
  return { answer: next, missing: missingAttributes(ctx, next.excerpts.join(' ')) };
}

/**
 * An answer that does not give everything asked says so: when it gives none of it, it opens
 * with "chưa tìm thấy" and shows the nearest passage as such; otherwise one line names what
 * the document leaves out.
 */
function sayWhatIsNotGiven(ctx: TurnContext, answer: ComposedAnswer, missing: readonly Attribute[]): string {
  const frame = ctx.frame!;
  const labels = missing.map((a) => (a === 'count' ? countLabel(frame) : ATTRIBUTE_LABEL[a])).join(', ');
  const citationsAt = answer.text.lastIndexOf('\n\nNguồn:');
  const [body, citations] = citationsAt >= 0 ? [answer.text.slice(0, citationsAt), answer.text.slice(citationsAt)] : [answer.text, ''];
  if (frame.attributes.every((a) => missing.includes(a))) {
    // The nearest passage must not read as the answer: a sentence giving the asked figure for another subject is left out.
    let nearest = body.replace(/^Dạ, theo/u, 'Theo');
    for (const sentence of splitSentences(nearest)) {
      if (missing.some((a) => textGives(a, sentence, frame))) nearest = nearest.replace(sentence, '…');
    }
    return `Dạ, em chưa tìm thấy ${labels} cho nội dung này trong các văn bản em có. Nội dung gần nhất em tìm được:\n${nearest}${citations}`;
  }
  return `${body}\n(Văn bản không nêu ${labels}.)${citations}`;
}

/** A phone screen (1,200 characters) less room for a short change note. */
const ROOM_FOR_ONLINE_LINE = 1000;

/** Where to do a procedure online: the official portals from configuration. */
function onlineServiceMessage(ctx: TurnContext): Reply['messages'][number] {
  const { portalUrl, provincePortalUrl } = ctx.services.config.officialChannel;
  // Where the province's own portal is not configured (it defaults to the national one), name only the national portal.
  const ownPortal = provincePortalUrl && provincePortalUrl !== portalUrl;
  return buttonsMessage(
    `Để nộp hồ sơ, tra cứu thủ tục và thanh toán trực tuyến, anh/chị dùng Cổng Dịch vụ công quốc gia (${portalUrl})${ownPortal ? ` hoặc Cổng Dịch vụ công của tỉnh (${provincePortalUrl})` : ''}; cần hỗ trợ trực tiếp, anh/chị đến Bộ phận một cửa nơi gần nhất ạ.`,
    [
      { kind: 'url', title: 'Cổng Dịch vụ công quốc gia', url: portalUrl },
      ...(ownPortal ? [{ kind: 'url' as const, title: 'Cổng Dịch vụ công tỉnh', url: provincePortalUrl }] : []),
    ],
    false,
  );
}

/**
 * Says plainly that the documents do not answer, offers the nearest topics as questions
 * (from the best hits' headings) and points to the official channel.
 */
export function notFound(ctx: TurnContext, intent: string, confidence: number): Reply {
  const { officialChannel } = ctx.services.config;
  const seen = new Set<string>();
  const suggestions: Button[] = [];
  for (const hit of ctx.hits) {
    const heading = hit.chunk.sectionPath.at(-1);
    if (!heading || heading === 'Thông tin văn bản') continue;
    const topic = heading.replace(/^[\p{L}\dIVX]{1,5}[.)-]\s*/u, '').trim();
    if (topic.length < 6 || seen.has(topic)) continue;
    seen.add(topic);
    const question = `${topic} (${hit.doc.shortName})`;
    suggestions.push({ kind: 'postback', title: askButtonTitle(question), payload: `#ask:${topic} ${hit.doc.shortName}` });
    if (suggestions.length === 3) break;
  }
  const lines = [
    'Dạ, em chưa tìm thấy thông tin này trong các văn bản em đang có (các kế hoạch, nghị quyết, đề án về chuyển đổi số của tỉnh Bắc Giang), nên em không dám trả lời để tránh sai sót ạ.',
  ];
  if (suggestions.length > 0) lines.push('Có thể anh/chị quan tâm đến các nội dung sau:');
  const tail = `Anh/chị cũng có thể hỏi lại với từ khóa cụ thể hơn, hoặc liên hệ Bộ phận một cửa nơi gần nhất, Cổng Dịch vụ công: ${officialChannel.portalUrl}${officialChannel.hotline ? `, đường dây nóng ${officialChannel.hotline}` : ''}.`;
  const messages = [buttonsMessage(lines.join('\n'), suggestions), { type: 'text' as const, text: tail }];
  return { messages, intent, sources: [], confidence };
}
