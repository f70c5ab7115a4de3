/**
 * A named prepared statement whose rows are counted, not kept: a pg "submittable" (the extension point
 * pg-cursor and pg-copy-streams use). The spatial operations only need how many rows came back, and
 * pg's own Query builds a Result, picks type parsers from the row description and turns every row into
 * a JS array: on a 1000-row pool that is most of the client's CPU per query, and on this harness the
 * client shares the cores with the server it measures. The server does the same work and sends the same
 * bytes either way (the bench compares against pgbench -M prepared on the same statement).
 *
 * The protocol is what pg's Query sends for a named statement: Parse (first use on a connection),
 * Bind, Describe portal, Execute, Sync, corked into one write.
 */

/** The part of pg's Connection a submittable drives (pg/lib/connection.js; not in @types/pg). */
interface PgConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(q: { text: string; name: string; types?: unknown[] }): void;
  bind(b: {
    portal: string;
    statement: string;
    values: unknown[];
    valueMapper: (v: unknown) => unknown;
  }): void;
  describe(d: { type: 'P'; name: string }): void;
  execute(e: { portal: string; rows: number }): void;
  sync(): void;
}

export interface CountResult {
  rows: number;
}

/** Numbers (the only parameters here) as the text PostgreSQL parses: the shortest exact decimal. */
const toText = (v: unknown): unknown => (v === null || v === undefined ? null : String(v));

export class CountQuery {
  /** Set by pg (client.query / pool.query) to learn the outcome. */
  callback: ((err: Error | null, res?: CountResult) => void) | undefined;
  private rows = 0;
  private failed = false;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly values: readonly number[],
  ) {}

  submit(connection: PgConnection): Error | null {
    const known = connection.parsedStatements[this.name] ?? connection.submittedNamedStatements[this.name];
    if (known !== undefined && known !== this.text)
      return new Error(`prepared statement ${this.name} was already used for another statement`);
    connection.stream.cork?.();
    try {
      if (known === undefined) {
        connection.parse({ text: this.text, name: this.name });
        connection.submittedNamedStatements[this.name] = this.text;
      }
      connection.bind({ portal: '', statement: this.name, values: [...this.values], valueMapper: toText });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(): void {}
  handleDataRow(): void {
    this.rows++;
  }
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}

  handleError(err: Error): void {
    this.failed = true;
    this.callback?.(err);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.callback?.(null, { rows: this.rows });
  }
}
