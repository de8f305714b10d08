/**
 * Questions about the documents themselves — date, signer, issuing body, period, number —
 * from `knowledge/sources/sources.yaml`, each checked against a line that prints it: the
 * document's own header or signature, or another plan that cites it ("Nghị quyết số
 * 433-NQ/TU ngày 04/5/2019 của Ban Thường vụ Tỉnh ủy …" in the 2024 plan).
 *
 * A fact no line prints is still emitted and then rejected by the bank's check, so the
 * report shows which catalog facts the documents do not back.
 */
import type { DocumentMeta } from '../../kb/types.ts';
import type { AgencyDirectory } from '../../records/agencies.ts';
import { foldTokens, textKey } from '../bank-text.ts';
import { clip, documentLabel, seededShuffle, type GeneratorOutput, type QuestionDraft } from './common.ts';
import { topicOf } from './topics.ts';

type Field = 'date' | 'signer' | 'issuer' | 'period' | 'number';

const FIELD_LABEL: Record<Field, string> = {
  date: 'thời gian ban hành',
  signer: 'người ký',
  issuer: 'cơ quan ban hành',
  period: 'giai đoạn áp dụng',
  number: 'số hiệu',
};

/** Issuing bodies that wrote none of the four plans, to complete the wrong options. */
const OTHER_ISSUERS = ['Hội đồng nhân dân tỉnh Bắc Giang', 'Ban Chấp hành Đảng bộ tỉnh Bắc Giang', 'Sở Nội vụ tỉnh Bắc Giang', 'Văn phòng Tỉnh ủy Bắc Giang'];

/** The ways a date is printed: "04/5/2019", "04/05/2019", "ngày 04 tháng 5 năm 2019", "tháng 12 năm 2023". */
export function dateForms(date: string): string[] {
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date);
  if (dmy) {
    const [, d, m, y] = dmy as unknown as [string, string, string, string];
    const ms = [m, m.padStart(2, '0'), String(Number(m))];
    return [...new Set(ms.flatMap((mm) => [`${d}/${mm}/${y}`, `ngày ${d} tháng ${mm} năm ${y}`]))];
  }
  const my = /^(\d{1,2})\/(\d{4})$/.exec(date);
  if (my) {
    const [, m, y] = my as unknown as [string, string, string];
    return [...new Set([date, `tháng ${m} năm ${y}`, `tháng ${m.padStart(2, '0')} năm ${y}`])];
  }
  return [date];
}

/** The issuer as printed, without "(tỉnh) Bắc Giang", and every form of the unit it names ("Sở TT&TT"). */
function issuerForms(issuer: string, agencies: AgencyDirectory | undefined): string[] {
  const forms = [issuer, issuer.replace(/\s+(tỉnh\s+)?Bắc Giang$/u, '')];
  for (const id of agencies?.resolve(issuer) ?? []) {
    const a = agencies?.get(id);
    if (a !== undefined && a.kind !== 'nhom') forms.push(a.name, a.short, ...a.aliases);
  }
  return [...new Set(forms)].filter((f) => f.trim() !== '');
}

function periodForms(period: string): string[] {
  return [...new Set([period, period.split(',')[0]?.trim() ?? period])].filter((f) => /\d{4}/.test(f));
}

/** Does this stretch of text refer to `doc`: by a name form, or by most words of its title? */
function refersTo(text: string, doc: DocumentMeta, answerForms: readonly string[]): boolean {
  const key = textKey(text);
  const names = [doc.shortName, ...doc.aliases, ...(/\d/.test(doc.number) ? [doc.number] : [])].filter((n) => !answerForms.includes(n));
  if (names.some((n) => foldTokens(n).length >= 2 && key.includes(textKey(n)))) return true;
  const title = new Set(foldTokens(doc.title).filter((t) => t.length > 2));
  const here = new Set(foldTokens(text));
  let shared = 0;
  for (const t of title) if (here.has(t)) shared++;
  return title.size > 0 && shared / title.size >= 0.6;
}

/** Folded tokens of every line of a document, computed once per build. */
type LineTokens = (docId: string) => readonly string[][];

/** Keys of every window of 1–3 lines of a document: `windows[i][size - 1]`. */
const windowCache = new WeakMap<readonly string[][], string[][]>();
function windowKeys(tokens: readonly string[][]): string[][] {
  let w = windowCache.get(tokens);
  if (w === undefined) {
    w = tokens.map((_, i) => [1, 2, 3].filter((size) => i + size <= tokens.length).map((size) => ` ${tokens.slice(i, i + size).flat().join(' ')} `));
    windowCache.set(tokens, w);
  }
  return w;
}

/** The first window of up to 3 lines printing one of `forms` (own document first; another document only when the window also names this one). */
function findEvidence(
  doc: DocumentMeta,
  field: Field,
  forms: readonly string[],
  documents: readonly DocumentMeta[],
  sourceLines: (docId: string) => readonly string[],
  lineTokens: LineTokens,
): { docId: string; lines: [number, number]; form: string; text: string } | undefined {
  const order = [doc, ...documents.filter((d) => d.id !== doc.id)];
  // In the document itself, a fact counts where the document states it about itself: its
  // header (first 10 lines), an appendix caption ("Kèm theo Đề án số … ngày …"), the
  // sentence that issues it ("… ban hành Kế hoạch …") or its signature (for the signer).
  const type = doc.shortName.split(/\s+/).slice(0, 2).join(' ');
  const captions = [textKey(`kèm theo ${type}`), textKey(`ban hành ${type}`)];
  const ownContext = (text: string, i: number): boolean => {
    if (field === 'signer' || i + text.split('\n').length <= 10) return true;
    const key = textKey(text);
    return captions.some((c) => key.includes(c));
  };
  const formKeys = forms.map((f) => ({ form: f, key: textKey(f) })).filter((f) => f.key !== '');
  for (const d of order) {
    const windows = windowKeys(lineTokens(d.id));
    for (let i = 0; i < windows.length; i++) {
      const atLine = windows[i] ?? [];
      for (let size = 1; size <= atLine.length; size++) {
        const key = atLine[size - 1] as string;
        const hit = formKeys.find((f) => key.includes(f.key));
        if (hit === undefined) continue;
        const accept = (from: number): string | undefined => {
          const text = sourceLines(d.id).slice(from, i + size).join('\n');
          const ok = textKey(text).includes(hit.key) && (d.id !== doc.id ? refersTo(text, doc, forms) : ownContext(text, from));
          return ok ? text : undefined;
        };
        let from = i;
        let text = accept(from);
        if (text === undefined) continue;
        // Cite as few lines as possible: drop leading lines the fact does not need.
        for (let next = accept(from + 1); from + 1 < i + size && next !== undefined; next = accept(from + 1)) {
          from++;
          text = next;
        }
        return { docId: d.id, lines: [from + 1, i + size], form: hit.form, text };
      }
    }
  }
  return undefined;
}

function dateDistractors(date: string, others: readonly string[], seed: string): string[] {
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date);
  const my = /^(\d{1,2})\/(\d{4})$/.exec(date);
  const out: string[] = [];
  if (dmy) {
    const d = Number(dmy[1]);
    const m = Number(dmy[2]);
    const y = Number(dmy[3]);
    const pad = (n: number, like: string | undefined): string => (like !== undefined && like.length === 2 ? String(n).padStart(2, '0') : String(n));
    const fmt = (dd: number, mm: number, yy: number): string => `${pad(dd, dmy[1])}/${pad(mm, dmy[2])}/${yy}`;
    out.push(fmt(d, m, y - 1), fmt(d, m === 12 ? 11 : m + 1, y), fmt(d <= 18 ? d + 10 : d - 10, m, y), fmt(d, m === 1 ? 2 : m - 1, y), fmt(d, m, y + 1));
  } else if (my) {
    const m = Number(my[1]);
    const y = Number(my[2]);
    const fmt = (mm: number, yy: number): string => `${String(mm).padStart(my[1]?.length ?? 2, '0')}/${yy}`;
    out.push(fmt(m, y - 1), fmt(m === 1 ? 2 : m - 1, y), fmt(m === 12 ? 10 : m + 2, y), fmt(m, y + 1));
  }
  const sameShape = others.filter((o) => (dmy ? /^\d{1,2}\/\d{1,2}\/\d{4}$/ : /^\d{1,2}\/\d{4}$/).test(o));
  return [...new Set([...sameShape, ...seededShuffle(out, seed)])].filter((o) => o !== date);
}

function periodDistractors(period: string, others: readonly string[]): string[] {
  const range = /^(\d{4})\s*-\s*(\d{4})/.exec(period);
  const out: string[] = [...others];
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    const tail = period.slice(range[0].length);
    out.push(`${a + 1}-${b}${tail}`, `${a}-${b + 5}${tail}`, `${a - 1}-${b - 1}${tail}`, `${a - 2}-${b}${tail}`);
  } else if (/^\d{4}$/.test(period)) {
    const y = Number(period);
    out.push(String(y - 1), String(y + 1), `${y}-${y + 1}`);
  }
  return out.filter((o) => o !== period);
}

function numberDistractors(number: string, others: readonly string[]): string[] {
  // "433-NQ/TU", "10-ĐA/TU", "146/KH-UBND": a number, then the document type and issuer.
  const shape = /^(\d+)([-/].+)$/;
  const m = shape.exec(number);
  if (!m) return [];
  const n = Number(m[1]);
  const rest = m[2] as string;
  const types = [...new Set(others.map((o) => shape.exec(o)?.[2]).filter((t): t is string => t !== undefined && t !== rest))];
  return [`${n + 1}${rest}`, ...(n > 1 ? [`${n - 1}${rest}`] : []), `${n + 10}${rest}`, ...types.map((t) => `${n}${t}`)];
}

/**
 * How a stem names the document without giving the answer away: the short name, the
 * title or "Văn bản số …", whichever does not contain the answer.
 */
function neutralName(doc: DocumentMeta, answerForms: readonly string[], titleFirst: boolean): string | undefined {
  const byTitle = `văn bản “${doc.title}”`;
  const byNumber = /\d/.test(doc.number) && !doc.number.includes('…') ? [`văn bản số ${doc.number}`] : [];
  const candidates = titleFirst ? [byTitle, doc.shortName, ...byNumber] : [doc.shortName, byTitle, ...byNumber];
  return candidates.find((c) => !answerForms.some((f) => textKey(c).includes(textKey(f))));
}

/**
 * Document-fact questions for every document of the catalog.
 *
 * @example generateDocumentFactQuestions({ documents, sourceLines }).drafts.find(d => d.id === 'gen-doc-003-date')?.answer // "04/5/2019"
 */
export function generateDocumentFactQuestions(opts: {
  documents: readonly DocumentMeta[];
  sourceLines: (docId: string) => readonly string[];
  /** Resolves the issuer to a unit, so a stem naming "Sở TT&TT" counts as naming the issuer. */
  agencies?: AgencyDirectory;
}): GeneratorOutput {
  const out: GeneratorOutput = { drafts: [], skipped: [] };
  const { documents } = opts;
  const tokenCache = new Map<string, string[][]>();
  const lineTokens: LineTokens = (docId) => {
    let t = tokenCache.get(docId);
    if (t === undefined) {
      t = opts.sourceLines(docId).map((l) => foldTokens(l));
      tokenCache.set(docId, t);
    }
    return t;
  };
  for (const doc of documents) {
    const others = documents.filter((d) => d.id !== doc.id);
    const ownText = ` ${lineTokens(doc.id).flat().join(' ')} `;
    const notInOwnText = (o: string): boolean => !ownText.includes(textKey(o));
    const facts: Array<{ field: Field; answer: string; forms: string[]; wrong: string[]; stem: (name: string) => string }> = [
      { field: 'date', answer: doc.date, forms: dateForms(doc.date), wrong: dateDistractors(doc.date, others.map((o) => o.date), `doc-date:${doc.id}`).filter(notInOwnText), stem: (n) => `${n} được ban hành vào thời gian nào?` },
      { field: 'signer', answer: doc.signer, forms: [doc.signer], wrong: others.map((o) => o.signer), stem: (n) => `Ai là người ký ${n}?` },
      {
        field: 'issuer',
        answer: doc.issuer,
        forms: issuerForms(doc.issuer, opts.agencies),
        wrong: [...others.map((o) => o.issuer), ...OTHER_ISSUERS],
        stem: (n) => `${n} do cơ quan nào ban hành?`,
      },
      { field: 'period', answer: doc.period, forms: periodForms(doc.period), wrong: periodDistractors(doc.period, others.map((o) => o.period)).filter(notInOwnText), stem: (n) => `${n} áp dụng cho giai đoạn nào?` },
      { field: 'number', answer: doc.number, forms: [doc.number], wrong: numberDistractors(doc.number, others.map((o) => o.number)), stem: (n) => `Số hiệu của ${n} là gì?` },
    ];
    for (const fact of facts) {
      const id = `gen-doc-${doc.id}-${fact.field}`;
      if (fact.answer.trim() === '' || fact.answer.includes('…')) continue; // not printed: a draft number left blank
      const name = neutralName(doc, fact.forms, fact.field === 'issuer');
      if (name === undefined) {
        out.skipped.push({ id, reason: `mọi cách gọi văn bản đều chứa đáp án / every name of the document contains the answer` });
        continue;
      }
      const answerKey = textKey(fact.answer);
      const wrong = [...new Set(fact.wrong)].filter((w) => {
        const k = textKey(w);
        return k !== '' && !k.includes(answerKey) && !answerKey.includes(k) && !textKey(name).includes(k);
      });
      const distractors = seededShuffle(wrong, id).slice(0, 3);
      if (distractors.length < 2) {
        out.skipped.push({ id, reason: 'không đủ phương án sai / not enough wrong options' });
        continue;
      }
      const found = findEvidence(doc, fact.field, fact.forms, documents, opts.sourceLines, lineTokens);
      const citing = found !== undefined && found.docId !== doc.id ? documents.find((d) => d.id === found.docId) : undefined;
      const stemName = name.charAt(0).toUpperCase() + name.slice(1);
      const draft: QuestionDraft = {
        id,
        stem: fact.stem(fact.field === 'signer' || fact.field === 'number' ? name : stemName),
        answer: fact.answer,
        distractors,
        evidence: found?.form ?? fact.answer,
        explanation: found
          ? `${stemName}: ${FIELD_LABEL[fact.field]} là “${fact.answer}”. ${citing ? `${documentLabel(citing)} trích dẫn` : 'Văn bản ghi'}: “${clip(found.text.replace(/[*_]+/g, '').replace(/\s+/g, ' '), 300)}”.`
          : `${stemName}: ${FIELD_LABEL[fact.field]} là “${fact.answer}” (theo danh mục văn bản).`,
        source: {
          doc: found?.docId ?? doc.id,
          section: citing ? `${FIELD_LABEL[fact.field]} của ${doc.shortName}, trích dẫn trong ${citing.shortName}` : `Phần đầu và phần ký của văn bản (${FIELD_LABEL[fact.field]})`,
          lines: found?.lines ?? [1, 1],
        },
        topic: topicOf({ docId: doc.id, headings: [], text: doc.title }),
        difficulty: fact.field === 'date' || fact.field === 'number' ? 'medium' : 'easy',
        origin: 'generated',
        kind: 'document-fact',
      };
      out.drafts.push(draft);
    }
  }
  return out;
}
