/**
 * A small RFC 4180 CSV reader (quotes, doubled quotes, newlines inside quotes, CRLF, BOM),
 * enough for a province's procedure export without another dependency.
 */

export interface CsvRecord {
  /** 1-based line on which the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

/** Parses CSV text into records; the first record is the header. Throws on an unclosed quote. */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const src = text.replace(/^\ufeff/, '');
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0]!.trim() === '')) records.push({ line: recordLine, cells });
    cells = [];
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === delimiter) {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += ch;
    }
    i++;
  }
  if (quoted) throw new Error(`dấu ngoặc kép chưa đóng từ dòng ${recordLine} (unclosed quote from line ${recordLine})`);
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}
