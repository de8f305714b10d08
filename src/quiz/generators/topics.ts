/**
 * Which quiz topic a record belongs to, from the headings the document files it under and
 * the words of its name. The rules are data (ordered keyword lists), checked first against
 * the group headings, then against the record's own text.
 *
 * Why headings first, top heading first: the plans already sort their rows ("4 Dữ liệu số", "7 An toàn thông
 * tin mạng", "Phát triển kinh tế số"); a row's own words only decide when its heading is
 * neutral ("Các nhiệm vụ duy trì, vận hành, triển khai các dự án chuyển đổi số").
 */
import { foldDiacritics } from '../../nlu/vietnamese.ts';
import type { QuizTopic } from '../schema.ts';

/** Ordered rules: the first topic with a keyword found in the text wins. Keywords are folded. */
const RULES: ReadonlyArray<readonly [QuizTopic, readonly string[]]> = [
  ['an-toan-thong-tin', ['an toan thong tin', 'an ninh thong tin', 'an ninh mang', 'an toan, an ninh', 'attt', 'soc', 'ma doc', 'virus', 'tuong lua']],
  ['nhan-luc-so', ['nhan luc', 'boi duong', 'dao tao', 'tap huan', 'can bo chuyen trach', 'ky nang so', 'moocs']],
  ['kinh-te-so', ['kinh te so', 'thuong mai dien tu', 'tmdt', 'doanh nghiep nho va vua', 'thanh toan dien tu', 'tai khoan thanh toan', 'tai khoan giao dich', 'san giao dich', 'xuc tien thuong mai']],
  ['du-lieu-so', ['du lieu so', 'du lieu', 'csdl', 'co so du lieu', 'lgsp', 'open data', 'gis', 'big data', 'so hoa', 'nen tang so']],
  ['ha-tang-so', ['ha tang so', 'ha tang', 'hop truc tuyen', 'vien thong', 'cap quang', 'internet', 'bang rong', 'di dong', '5g', 'ipv6', 'iot', 'buu chinh', 'tram', 'cot ang ten', 'trung tam du lieu', 'dien toan dam may', 'mang wan', 'truyen so lieu', 'thiet bi']],
  ['xa-hoi-so', ['xa hoi so', 'nhan thuc so', 'tuyen truyen', 'nguoi dan', 'ho gia dinh', 'dien thoai thong minh', 'ho so suc khoe', 'bao chi', 'phat thanh', 'truyen hinh', 'truyen thanh', 'thong tin co so', 'cong dong']],
  ['chinh-quyen-so', ['chinh quyen so', 'chinh quyen dien tu', 'the che so', 'thu tuc hanh chinh', 'tthc', 'dich vu cong', 'mot cua', 'van ban', 'ho so cong viec', 'bao cao', 'kien truc', 'quy che', 'ioc', 'quan ly nha nuoc', 'ke hoach']],
];

/** Documents whose whole subject is one topic: Đề án 10 is about party bodies and mass organisations. */
const DOCUMENT_TOPIC: Readonly<Record<string, QuizTopic>> = { '004': 'co-quan-dang-doan-the' };

function folded(text: string): string {
  return ` ${foldDiacritics(text).replace(/[^a-z0-9%]+/g, ' ').trim()} `;
}

function firstMatch(text: string): QuizTopic | undefined {
  const f = folded(text);
  for (const [topic, words] of RULES) {
    if (words.some((w) => f.includes(` ${folded(w).trim()} `))) return topic;
  }
  return undefined;
}

/**
 * The topic of a record: the document's own topic if it has one, else the first rule that
 * matches a heading (top heading first: "4 Dữ liệu số" decides before "4.3 Lĩnh vực giáo dục và
 * đào tạo"), else the record's text, else `fallback`.
 *
 * @example topicOf({ docId: '001', headings: ['4 Dữ liệu số'], text: 'Kho dữ liệu số' }) // 'du-lieu-so'
 */
export function topicOf(input: { docId: string; headings: readonly string[]; text: string }, fallback: QuizTopic = 'chinh-quyen-so'): QuizTopic {
  const own = DOCUMENT_TOPIC[input.docId];
  if (own !== undefined) return own;
  for (const heading of input.headings) {
    const t = firstMatch(heading);
    if (t !== undefined) return t;
  }
  return firstMatch(input.text) ?? fallback;
}
