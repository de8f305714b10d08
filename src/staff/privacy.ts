/**
 * What citizens wrote may hold their phone or CCCD (citizen identity card) number: lists and
 * exports show them masked; only a staff member opening one ticket sees them in full.
 */

/** Vietnamese mobile and landline numbers (0… or +84…, spaces, dots or dashes allowed). */
const PHONE = /(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)/gu;
/** A 12-digit CCCD (or a 9-digit old CMND) standing alone. */
const ID_NUMBER = /(?<!\d)(?:\d{12}|\d{9})(?!\d)/gu;

/**
 * Masks phone and CCCD/CMND numbers, keeping the last 3 digits so staff can tell them apart.
 * @example maskPersonalNumbers('SĐT 0912 345 678, CCCD 001203004567') // 'SĐT *******678, CCCD *********567'
 */
export function maskPersonalNumbers(text: string): string {
  const mask = (m: string) => {
    const digits = m.replace(/\D/g, '');
    return '*'.repeat(Math.max(0, digits.length - 3)) + digits.slice(-3);
  };
  return text.replace(PHONE, mask).replace(ID_NUMBER, mask);
}
