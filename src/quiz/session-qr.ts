/**
 * The join link of a session as a QR code, drawn locally as SVG (no network, no canvas):
 * learners scan it from the projector to open the join page with the code filled in.
 */
import qrcode from 'qrcode-generator';

/**
 * An SVG QR code of `text` (error correction M, 4-module quiet zone), one path of dark cells.
 * @example res.type('image/svg+xml').send(qrSvg('http://10.0.0.5:3000/join.html?code=123456'));
 */
export function qrSvg(text: string, opts: { moduleSize?: number; title?: string } = {}): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const quiet = 4;
  const size = n + quiet * 2;
  const px = size * (opts.moduleSize ?? 8);
  let path = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.isDark(row, col)) path += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  const title = opts.title ?? text;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${px}" height="${px}" shape-rendering="crispEdges" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}

/** The module matrix (true = dark), for tests that decode or compare it. */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
