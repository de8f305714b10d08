/**
 * The question frame: what a question asks, read once per turn. Which document(s) it names,
 * which attribute(s) it wants (lead, coordinating units, period, budget, status, legal basis,
 * product, signer, date of issue, responsibilities, a list, a count), which year, which
 * agencies. The answer code reads the frame to cover every attribute asked — or to say that
 * the document does not give it — instead of answering with whatever passage ranks first.
 *
 * Vocabulary is data (knowledge/question-frame.yaml, sources.yaml aliases, agencies.yaml);
 * this file is the logic.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { foldDiacritics, normalizeText } from './vietnamese.ts';

export const ATTRIBUTES = [
  'lead', 'coordinate', 'period', 'budget', 'unitPrice', 'status', 'legalBasis', 'product', 'signer', 'issued', 'responsibility', 'list', 'count',
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

export interface QuestionFrame {
  /** Documents the question names ("KH CĐS 2024", "kế hoạch của Sở TT&TT", "NQ 433"). */
  docIds: string[];
  /** Attributes asked for, in the order of {@link ATTRIBUTES}. */
  attributes: Attribute[];
  /** For a count: the counted noun, folded ("nhiem vu", "thanh vien"). */
  counted?: string;
  /** The counted noun as typed ("thành viên"), for the answer's wording. */
  countedText?: string;
  /** Years named ("2024"), each once, in text order. */
  years: string[];
  /** Agencies named (directory ids), in text order. */
  agencyIds: string[];
}

const FrameVocabularySchema = z.strictObject({
  attributes: z.partialRecord(z.enum(ATTRIBUTES), z.array(z.string().min(1))),
  count: z.strictObject({
    askers: z.array(z.string().min(1)),
    notCounts: z.array(z.string()),
    skip: z.array(z.string()).default([]),
    notAfter: z.array(z.string()).default([]),
  }),
  fillers: z.array(z.string()).default([]),
  cancels: z.partialRecord(z.enum(ATTRIBUTES), z.array(z.string().min(1))).default({}),
  years: z.strictObject({ before: z.array(z.string()) }).optional(),
});
export type FrameVocabulary = z.infer<typeof FrameVocabularySchema>;

/** Folded, lower-case words separated by single spaces; "%" kept as a word. */
export function foldWords(text: string): string {
  return foldDiacritics(surfaceWords(text).join(' '));
}

/** Lower-case words as typed (accents kept), split like {@link foldWords}. */
function surfaceWords(text: string): string[] {
  return normalizeText(text)
    .toLowerCase()
    .replace(/%/g, ' % ')
    .split(/[^\p{L}\p{M}\p{N}%&]+/u)
    .filter(Boolean);
}

export interface FrameReaderDeps {
  /** Documents named in a text, by alias (KnowledgeBase.documentsNamedIn). */
  documentsNamedIn: (text: string) => Array<{ docId: string }>;
  /** Agencies named in a text (AgencyDirectory.findInQuestion). */
  agenciesNamedIn?: (text: string) => Array<{ id: string }>;
  /**
   * The question with chat spellings and abbreviations rewritten (the thesaurus' query pass),
   * so "ai ki", "bn tien" are read as "ai ký", "bao nhiêu tiền" too.
   */
  normalize?: (text: string) => string;
}

export class FrameReader {
  private readonly cues: Array<{ attribute: Attribute; cue: string }>;
  private readonly cancels: Array<{ attribute: Attribute; cue: string }>;
  /** Count askers, folded, with the accented form a typed-with-accents question must use. */
  private readonly askers: Array<{ folded: string; accented: string }>;
  private readonly notCounts: Set<string>;
  private readonly skip: Set<string>;
  private readonly notAfter: Set<string>;
  private readonly fillers: Set<string>;

  constructor(
    vocabulary: FrameVocabulary,
    private readonly deps: FrameReaderDeps,
  ) {
    this.cues = Object.entries(vocabulary.attributes).flatMap(([attribute, cues]) =>
      cues.map((cue) => ({ attribute: attribute as Attribute, cue: foldWords(cue) })),
    );
    this.cancels = Object.entries(vocabulary.cancels).flatMap(([attribute, cues]) =>
      cues.map((cue) => ({ attribute: attribute as Attribute, cue: foldWords(cue) })),
    );
    // Longest asker first: "bao nhieu" before "may".
    this.askers = vocabulary.count.askers
      .map((a) => ({ folded: foldWords(a), accented: surfaceWords(a).join(' ') }))
      .sort((a, b) => b.folded.length - a.folded.length);
    this.notCounts = new Set(vocabulary.count.notCounts.map(foldWords));
    this.skip = new Set(vocabulary.count.skip.map(foldWords));
    this.notAfter = new Set(vocabulary.count.notAfter.map(foldWords));
    this.fillers = new Set(vocabulary.fillers.flatMap((f) => foldWords(f).split(' ')));
  }

  /**
   * Reads the frame of one question.
   * @example reader.read("Theo NQ 433, ai ký ban hành?") // { docIds: ['003'], attributes: ['signer'], … }
   */
  read(text: string): QuestionFrame {
    const frame = this.readAs(text, text);
    const rewritten = this.deps.normalize?.(text);
    if (!rewritten || rewritten === text) return frame;
    const again = this.readAs(rewritten, text);
    return {
      ...frame,
      attributes: ATTRIBUTES.filter((a) => frame.attributes.includes(a) || again.attributes.includes(a)),
      ...(frame.counted || !again.counted ? {} : { counted: again.counted, countedText: again.countedText }),
    };
  }

  /** The frame of `text`; documents and agencies are read from `original` (their names are not rewritten). */
  private readAs(text: string, original: string): QuestionFrame {
    const surface = surfaceWords(text);
    const words = ` ${foldDiacritics(surface.join(' '))} `;
    const asked = new Set<Attribute>();
    for (const { attribute, cue } of this.cues) if (words.includes(` ${cue} `)) asked.add(attribute);
    for (const { attribute, cue } of this.cancels) if (words.includes(` ${cue} `)) asked.delete(attribute);
    // "Mỗi máy … giá bao nhiêu?" asks a price per item, not a total ("mỗi năm" is a yearly amount).
    if ((asked.has('budget') || / gia /.test(words)) && / moi (?!nam |thang |quy |ky |lan |ngay )\p{L}+ /u.test(words)) {
      asked.delete('budget');
      asked.add('unitPrice');
    }
    const count = this.countedNoun(surface);
    const counted = count && foldDiacritics(surface.slice(count.from, count.to).join(' '));
    if (counted) asked.add('count');
    // "Phối hợp" asked alone is about the coordinating units, not the lead.
    if (asked.has('coordinate') && asked.has('lead') && !/ chu tri /.test(words) && / (don vi|co quan|so|ai) (nao )?phoi hop /.test(words)) asked.delete('lead');
    // "Ai ký, ban hành tháng nào?" is about the document: its signer and date, not a task's lead or period.
    if (asked.has('signer')) asked.delete('lead');
    if (asked.has('issued')) asked.delete('period');
    return {
      docIds: [...new Set(this.deps.documentsNamedIn(original).map((d) => d.docId))],
      attributes: ATTRIBUTES.filter((a) => asked.has(a)),
      ...(count && counted ? { counted, countedText: surface.slice(count.from, count.to).join(' ') } : {}),
      years: [...new Set(original.match(/\b(19|20)\d{2}\b/g) ?? [])],
      agencyIds: [...new Set((this.deps.agenciesNamedIn?.(original) ?? []).map((a) => a.id))],
    };
  }

  /**
   * The words of a message that name a topic: neither attribute cues nor fillers. A message
   * with none ("thế còn đơn vị phối hợp?") can only be about the last thing discussed.
   * @example reader.topicWords('kinh phí bao nhiêu?') // []
   */
  topicWords(text: string): string[] {
    let words = ` ${foldWords(text)} `;
    for (const { cue } of [...this.cues].sort((a, b) => b.cue.length - a.cue.length)) words = words.split(` ${cue} `).join(' ');
    return words.split(' ').filter((w) => w && !this.fillers.has(w) && !/^\d+$/.test(w));
  }

  /**
   * Where the counted noun sits among the words: "bao nhiêu nhiệm vụ" → the two words after
   * the asker; undefined for money, shares, time or a bare value ("là bao nhiêu").
   */
  private countedNoun(surface: readonly string[]): { from: number; to: number } | undefined {
    const words = surface.map((w) => foldDiacritics(w));
    for (let i = 0; i < words.length; i++) {
      const asker = this.askers.find((a) => {
        const n = a.folded.split(' ').length;
        if (words.slice(i, i + n).join(' ') !== a.folded) return false;
        // "máy tính" is not "mấy": typed with accents, the asker must be written as such.
        const typed = surface.slice(i, i + n).join(' ');
        return typed === a.folded || typed === a.accented;
      });
      // "số mấy" asks which number (a legal act, a form), not how many.
      if (!asker || words[i - 1] === 'so' || this.notAfter.has(words[i - 1] ?? '')) continue;
      let from = i + asker.folded.split(' ').length;
      while (from < words.length && this.skip.has(words[from]!)) from++;
      const first = words[from] ?? '';
      const to = Math.min(words.length, from + 2);
      const noun = words.slice(from, to).join(' ');
      if (first && !this.notCounts.has(first) && !this.notCounts.has(noun) && !/^\d/.test(first)) return { from, to };
    }
    return undefined;
  }
}

export function loadFrameVocabulary(path: string): FrameVocabulary {
  const parsed = FrameVocabularySchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Whether the frame asks for any of these attributes. */
export function asks(frame: QuestionFrame | undefined, ...attributes: Attribute[]): boolean {
  return frame !== undefined && attributes.some((a) => frame.attributes.includes(a));
}
