import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../../errors.ts';

/**
 * One atombench per SQLite dataset: a lock file beside the database (`<file>.lock`, created with O_EXCL)
 * holding the owner's pid, host and start time. A second seed or run on the same file is refused before
 * it reads or writes the database, naming the holder; a lock left by a process that died on this host
 * (its pid is gone) is taken over. Released by close().
 */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.startedAt === 'string')
      return h as LockHolder;
  } catch {
    // unreadable or half written: treated as held by an unknown process
  }
  return undefined;
}

export class DatasetLock {
  private held = false;
  constructor(
    private readonly dbPath: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get file(): string {
    return `${this.dbPath}.lock`;
  }

  /** Take the lock (idempotent for its holder) or throw a UserError naming who holds it. */
  acquire(): void {
    if (this.held) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.file, 'wx');
        const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: this.now().toISOString() };
        writeSync(fd, `${JSON.stringify(me)}\n`);
        closeSync(fd);
        this.held = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const h = readHolder(this.file);
      if (h && h.host === hostname() && !alive(h.pid)) {
        unlinkSync(this.file); // its process is gone: a stale lock
        continue;
      }
      const who = h ? `atombench pid ${h.pid} on ${h.host}, started ${h.startedAt}` : 'an unknown process';
      throw new UserError(
        `${this.dbPath}: the dataset is in use by ${who} (${this.file}); one seed or run at a time per dataset: wait for it to finish, or stop it (remove the lock file only if that process is gone)`,
      );
    }
    throw new UserError(`${this.dbPath}: cannot take the dataset lock ${this.file}`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      const h = readHolder(this.file);
      if (h?.pid === process.pid) unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}
