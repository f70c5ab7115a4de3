/**
 * HTML building blocks shared by the run, compare and tune pages: escaping, tables, definition lists.
 * Everything here returns strings and escapes every value it is given, so callers never concatenate raw
 * text into markup.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value, escaped. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A trusted fragment of markup (built by these helpers), as opposed to text that must be escaped. */
export interface Html {
  html: string;
}

export function raw(html: string): Html {
  return { html };
}

export type Cell = string | number | Html;

function cellHtml(c: Cell): string {
  return typeof c === 'object' ? c.html : esc(c);
}

/** A class for a verdict label ("PASS", "FAIL", "N/A", or the model's "pass"/"fail"/"n/a"). */
export function verdictClass(label: string): string {
  const l = label.toLowerCase();
  return l === 'pass' ? 'pass' : l === 'fail' ? 'fail' : 'na';
}

export function badge(label: string): Html {
  return raw(`<span class="badge ${verdictClass(label)}">${esc(label)}</span>`);
}

export interface TableOptions {
  /** Column indexes holding numbers: right-aligned, tabular figures. */
  numeric?: readonly number[];
  /** Class on the <table>. */
  className?: string;
  /** Class per row (e.g. the verdict of a target), or undefined. */
  rowClass?: (rowIndex: number) => string | undefined;
  /** Screen readers and a no-JavaScript reader get this as the table's caption. */
  caption?: string;
}

/** A server-rendered table: readable without JavaScript, the charts only add to it. */
export function table(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  o: TableOptions = {},
): string {
  const num = new Set(o.numeric ?? []);
  const cls = (i: number): string => (num.has(i) ? ' class="num"' : '');
  const head = header.map((h, i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join('');
  const body = rows
    .map((r, ri) => {
      const rc = o.rowClass?.(ri);
      const cells = r.map((c, i) => `<td${cls(i)}>${cellHtml(c)}</td>`).join('');
      return `<tr${rc ? ` class="${esc(rc)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  const caption = o.caption ? `<caption>${esc(o.caption)}</caption>` : '';
  return (
    `<div class="table-wrap"><table${o.className ? ` class="${esc(o.className)}"` : ''}>${caption}` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`
  );
}

/** Label/value pairs as a <dl>. */
export function facts(pairs: readonly (readonly [string, Cell])[]): string {
  const items = pairs.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${cellHtml(v)}</dd></div>`).join('\n');
  return `<dl class="facts">\n${items}\n</dl>`;
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}" aria-labelledby="${esc(id)}-h">\n<h2 id="${esc(id)}-h">${esc(title)}</h2>\n${body}\n</section>`;
}

export function pre(text: string, className = ''): string {
  return `<pre${className ? ` class="${esc(className)}"` : ''}><code>${esc(text)}</code></pre>`;
}

export function para(text: string, className = ''): string {
  return `<p${className ? ` class="${esc(className)}"` : ''}>${esc(text)}</p>`;
}

/**
 * JSON for a `<script type="application/json">` block. `<` is written as \u003c so no value (a scenario
 * name, a plan, an error text) can close the script element or open a comment; the parser reads it back
 * unchanged. Numbers are kept to 6 significant digits: the charts cannot show more, and a long run's
 * series stay small.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v,
  )
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
