import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkXml } from './xml.js';
import { escapeXml } from '../../src/plot/svg.js';

describe('the XML checker used by the plot tests', () => {
  it('accepts a well-formed document and lists its elements', () => {
    assert.deepEqual(checkXml('<?xml version="1.0"?>\n<svg a="1"><g><text x=\'2\'>a &amp; b</text></g><rect/></svg>'), ['svg', 'g', 'text', 'rect']);
  });
  for (const [why, bad] of [
    ['a raw ampersand', '<svg><text>a & b</text></svg>'],
    ['a raw < in an attribute', '<svg><g name="a<b"/></svg>'],
    ['crossed tags', '<svg><g><text></g></text></svg>'],
    ['an unclosed element', '<svg><g>'],
    ['an unquoted attribute', '<svg width=3/>'],
    ['a repeated attribute', '<svg a="1" a="2"/>'],
    ['two roots', '<svg/><svg/>'],
  ]) {
    it(`rejects ${why}`, () => assert.throws(() => checkXml(bad), /not well-formed/));
  }
});

describe('escapeXml', () => {
  it('escapes the five XML special characters and drops forbidden control characters', () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>\u0001`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
  it('makes any layer name safe inside text and attributes', () => {
    const name = `weird"<&>'name`;
    checkXml(`<svg data-name="${escapeXml(name)}"><text>${escapeXml(name)}</text></svg>`);
  });
});
