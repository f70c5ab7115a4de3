/**
 * Just enough XML reading for what SQL Server hands back (showplans, sp_help_spatial_geometry_index_xml,
 * Service Broker bodies): start tags with their attributes, and entity decoding. No DOM, no dependency;
 * the documents are machine-written and well-formed, and callers read them defensively.
 */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    return NAMED[ent] ?? m;
  });
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/** Attributes of one start tag's inner text (`Name="v" Other='w'`), entity-decoded. */
export function parseAttributes(tagBody: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(tagBody); m; m = re.exec(tagBody)) out[m[1]!] = decodeEntities(m[3] ?? m[4] ?? '');
  return out;
}

export interface StartTag {
  /** Local name (any namespace prefix removed). */
  name: string;
  attrs: Record<string, string>;
  /** Offset of '<' in the document. */
  at: number;
  selfClosing: boolean;
}

/** Every start tag with the given local name(s), in document order (comments and CDATA skipped). */
export function startTags(xml: string, names?: readonly string[]): StartTag[] {
  const text = xml
    .replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length))
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length));
  const out: StartTag[] = [];
  const re = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[2]!;
    if (names && !names.includes(name)) continue;
    out.push({ name, attrs: parseAttributes(m[3] ?? ''), at: m.index, selfClosing: m[4] === '/' });
  }
  return out;
}

/** Leaf elements <Name>text</Name> (no child elements) as name -> decoded text, first occurrence wins. */
export function leafElements(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?:\s[^<>]*)?>([^<]*)<\/(?:[A-Za-z_][\w.-]*:)?\1\s*>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml))
    if (!(m[1]! in out)) out[m[1]!] = decodeEntities(m[2]!.trim());
  return out;
}
