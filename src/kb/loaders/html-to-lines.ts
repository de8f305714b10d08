/**
 * Turns the simple HTML mammoth produces from a .docx into text lines the sectioner already
 * understands: one line per paragraph (blank line between), "# " before headings, "- " before
 * list items, and one tab-separated line per table row (cells' paragraphs joined by spaces).
 * Written by hand because mammoth's HTML is small and regular; no DOM library needed.
 */

const BLOCK_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'div']);

/** Decodes the entities mammoth emits (named basics and numeric). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10), whole);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
    return named[lower] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

interface ListState {
  ordered: boolean;
  counter: number;
}

/** Converts mammoth HTML to lines (see module doc). Deterministic and dependency-free. */
export function htmlToLines(html: string): string[] {
  const out: string[] = [];
  let inline = '';
  let prefix = '';
  const lists: ListState[] = [];
  let tableDepth = 0;
  let row: string[] | undefined;
  let cell: string[] | undefined;
  let cellText = '';

  const pushLine = (text: string): void => {
    const line = text.replace(/[ \t\u00a0]+/g, ' ').trim();
    if (line.length === 0) return;
    out.push(prefix + line, '');
  };
  const flushInline = (): void => {
    if (cell) {
      const text = cellText.replace(/\s+/g, ' ').trim();
      if (text) cell.push(text);
      cellText = '';
      return;
    }
    for (const piece of inline.split('\n')) pushLine(piece);
    inline = '';
    prefix = '';
  };

  for (const token of html.split(/(<[^>]*>)/)) {
    if (token.length === 0) continue;
    if (!token.startsWith('<')) {
      const text = decodeEntities(token);
      if (cell) cellText += text;
      else inline += text;
      continue;
    }
    const match = /^<\s*(\/?)\s*([a-z0-9]+)/i.exec(token);
    if (!match) continue;
    const closing = match[1] === '/';
    const tag = (match[2] ?? '').toLowerCase();

    if (tag === 'br') {
      if (cell) cellText += ' ';
      else inline += '\n';
      continue;
    }
    if (tag === 'table') {
      if (closing) {
        tableDepth = Math.max(0, tableDepth - 1);
        if (tableDepth === 0) out.push('');
      } else {
        if (tableDepth === 0) flushInline();
        tableDepth++;
      }
      continue;
    }
    if (tag === 'tr' && tableDepth === 1) {
      if (closing) {
        if (row && row.some((c) => c.length > 0)) out.push(row.join('\t'));
        row = undefined;
      } else {
        row = [];
      }
      continue;
    }
    if ((tag === 'td' || tag === 'th') && tableDepth === 1) {
      if (closing) {
        flushInline();
        row?.push((cell ?? []).join(' ').replace(/\t/g, ' '));
        cell = undefined;
      } else {
        cell = [];
        cellText = '';
      }
      continue;
    }
    if (tag === 'ul' || tag === 'ol') {
      if (closing) lists.pop();
      else lists.push({ ordered: tag === 'ol', counter: 0 });
      continue;
    }
    if (BLOCK_TAGS.has(tag)) {
      flushInline();
      if (!closing && !cell) {
        if (/^h[1-6]$/.test(tag)) prefix = `${'#'.repeat(Number(tag.slice(1)))} `;
        else if (tag === 'li') {
          const list = lists[lists.length - 1];
          if (list?.ordered) {
            list.counter++;
            prefix = `${list.counter}. `;
          } else prefix = '- ';
        }
      }
    }
  }
  flushInline();

  // Collapse runs of blank lines and trim the ends, so line numbers stay stable and short.
  const lines: string[] = [];
  for (const line of out) {
    if (line === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(line);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
