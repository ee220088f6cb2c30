/**
 * A small strict XML well-formedness check (XML 1.0 §2-3, enough for SVG): one root element, tags
 * nest and close in order, attributes are quoted and not repeated, `&` only starts a known entity or a
 * character reference, no `<` inside attribute values, nothing but whitespace outside the root.
 * Returns the element names in document order, or throws with the position of the first fault.
 */
export function checkXml(xml: string): string[] {
  let i = 0;
  const stack: string[] = [];
  const elements: string[] = [];
  let rootSeen = false;
  const fail = (why: string): never => {
    throw new Error(`XML not well-formed at ${i}: ${why} near ${JSON.stringify(xml.slice(Math.max(0, i - 30), i + 30))}`);
  };
  const checkText = (text: string) => {
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) fail(`bad entity ${m[0]}`);
    }
    if (text.includes('<')) fail('raw < in text');
  };
  const NAME = /^[A-Za-z_:][\w:.-]*/;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== '') fail('text outside the root element');
    checkText(text);
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      const m = NAME.exec(xml.slice(i + 2));
      if (!m) fail('bad closing tag');
      const name = m![0];
      if (stack.pop() !== name) fail(`closing </${name}> does not match the open element`);
      i += 2 + name.length;
      while (/\s/.test(xml[i])) i++;
      if (xml[i] !== '>') fail('expected > after closing tag name');
      i++;
      continue;
    }
    const m = NAME.exec(xml.slice(i + 1));
    if (!m) fail('bad tag name');
    const name = m![0];
    if (stack.length === 0 && rootSeen) fail('a second root element');
    rootSeen = true;
    elements.push(name);
    i += 1 + name.length;
    const seen = new Set<string>();
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0].length;
      i += ws;
      if (xml.startsWith('/>', i)) { i += 2; break; }
      if (xml[i] === '>') { i++; stack.push(name); break; }
      if (ws === 0) fail('attributes must be separated by whitespace');
      const a = NAME.exec(xml.slice(i));
      if (!a) fail('bad attribute name');
      const attr = a![0];
      if (seen.has(attr)) fail(`repeated attribute ${attr}`);
      seen.add(attr);
      i += attr.length;
      if (xml[i] !== '=') fail(`attribute ${attr} has no value`);
      i++;
      const q = xml[i];
      if (q !== '"' && q !== "'") fail(`attribute ${attr} value not quoted`);
      const end = xml.indexOf(q, i + 1);
      if (end < 0) fail('unterminated attribute value');
      checkText(xml.slice(i + 1, end));
      i = end + 1;
    }
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1]}>`);
  if (!rootSeen) fail('no root element');
  return elements;
}

/** Text content of every <text> element, unescaped, for assertions on what a reader sees. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'));
}
