/** Small helpers shared by the plots: XML escaping, text width estimates, and element builders. */

/** Escapes text for XML content and attribute values (both quote kinds, so either delimiter is safe). */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Characters XML 1.0 forbids outright (control characters other than tab, newline, carriage return).
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/** The font every plot uses; widths below are estimated for it, since no text can be measured without a renderer. */
export const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
export const MONO_FAMILY = 'Menlo, Consolas, monospace';

/** A width estimate: about 0.6 em per character covers monospace and is generous for proportional fonts. */
export function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * 0.6);
}

/** Rounds coordinates so the SVG stays short and diffable. */
export function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** One element with attributes (values escaped); `children` is already-built markup, `text` is escaped. */
export function el(tag: string, attrs: Record<string, string | number | undefined>, content: { text?: string; children?: string[] } = {}): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v!)}"`)
    .join('');
  const inner = content.text !== undefined ? escapeXml(content.text) : (content.children ?? []).join('');
  return inner === '' ? `<${tag}${a}/>` : `<${tag}${a}>${inner}</${tag}>`;
}

/** The root element, with a white background so the image reads the same in dark viewers. */
export function svgDocument(width: number, height: number, children: string[], title?: string): string {
  const body = [
    ...(title ? [el('title', {}, { text: title })] : []),
    el('rect', { x: 0, y: 0, width, height, fill: 'white' }),
    ...children,
  ];
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el('svg', {
      xmlns: 'http://www.w3.org/2000/svg', width: Math.ceil(width), height: Math.ceil(height),
      viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, 'font-family': FONT_FAMILY,
    }, { children: body.map((c) => `\n${c}`).concat('\n') });
}
