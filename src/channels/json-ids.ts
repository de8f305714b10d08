/**
 * JSON.parse for webhook bodies that keeps long integers exact. Zalo sends ids as strings,
 * but a client or proxy that re-serialises them as numbers would have `JSON.parse` round
 * anything above 2^53 (…993 became …992 and a reply went to someone else). Integer literals
 * of 16 digits or more, outside strings, are read as strings instead.
 */

/** Integers this long may exceed Number.MAX_SAFE_INTEGER (16 digits); shorter ones are exact. */
const LONG_DIGITS = 16;

/**
 * @example parseJsonKeepingIds('{"sender":{"id":5750000000000000993}}').sender.id === '5750000000000000993'
 */
export function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(quoteLongIntegers(text));
}

/** The text with every long integer literal outside a string quoted; everything else unchanged. */
export function quoteLongIntegers(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const startsNumber = c === 0x2d || (c >= 0x30 && c <= 0x39);
    if (!startsNumber) continue;
    let j = i + (c === 0x2d ? 1 : 0);
    const digitsStart = j;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    const next = text.charCodeAt(j);
    const isInteger = !(next === 0x2e || next === 0x65 || next === 0x45); // no fraction or exponent
    if (isInteger && j - digitsStart >= LONG_DIGITS) {
      out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
      last = j;
    }
    i = j - 1;
    // A fraction or exponent: skip the rest of the number as is.
    if (!isInteger) while (i + 1 < text.length && /[0-9.eE+-]/.test(text[i + 1]!)) i++;
  }
  return last === 0 ? text : out + text.slice(last);
}
