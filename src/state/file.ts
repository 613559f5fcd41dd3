import { field } from '../util/fields.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../util/process.js';
import { redactDeep } from '../util/redact.js';
import { withRetry } from '../util/retry.js';
import { emptyState, pruneState } from './records.js';
import type { StateStore, UptimeState } from './types.js';
import { parseStateText } from './schema.js';
import { StateError } from './validate.js';

/** Where the CLI keeps its state. */
export const DEFAULT_STATE_PATH = '.uptime/state.json';

/** Options of {@link FileStateStore}. */
export interface FileStateStoreOptions {
  /** Applied to every string of the state before it is written (src/util/redact.ts). */
  redact?: (text: string) => string;
  /** Clock for pruning and `updatedAt`. @default Date.now */
  now?: () => number;
  /** A lock file older than this was left by a crashed process and is broken. @default 10_000 ms */
  staleLockMs?: number;
  /** Compare-and-swap rounds before `update` gives up. @default 500 */
  maxAttempts?: number;
  /** Test hook: runs after the temp file is durable, before it replaces the state. Throwing aborts the write. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
  /** Where warnings go (a malformed part reset, the original kept aside). @default console.warn */
  warn?: (message: string) => void;
}

interface Snapshot {
  state: UptimeState;
  /** sha256 of the file's bytes, or `missing`. */
  hash: string;
}

const MISSING = 'missing';
/** A temp file older than this is an orphan whoever wrote it. */
const ORPHAN_TEMP_MS = 3_600_000;
/** Problem lines logged for one malformed file; the rest are counted. */
const MAX_PROBLEM_LINES = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The state in a local JSON file (the CLI's `.uptime/state.json`).
 *
 * Crash-safe: a write goes to a temp file in the same directory, is fsynced, then renamed over the state, so
 * a crash at any point leaves either the old or the new file, never half of one. `update` is
 * compare-and-swap: it remembers the hash of what it read, and just before the rename (under a short-lived
 * `<path>.lock`) re-reads the file; if another process changed it meanwhile, it re-applies `change` to the
 * fresh state, so two writers at once both land. A malformed part (or a file that is not JSON) is reset with a
 * warning naming it, and the original bytes are first copied beside the file as `<path>.broken-<timestamp>.json`:
 * monitoring goes on and nothing is lost.
 */
export class FileStateStore implements StateStore {
  readonly path: string;
  private readonly now: () => number;
  private readonly staleLockMs: number;
  private readonly maxAttempts: number;
  private readonly beforeRename?: (tempPath: string) => void | Promise<void>;
  private readonly warn: (message: string) => void;
  private readonly redact?: (text: string) => string;
  /** Hashes of malformed files already kept aside (once each). */
  private readonly keptAside = new Set<string>();
  /** Orphan temp files are looked for once, before this store's first write. */
  private tempsChecked = false;

  constructor(path: string = DEFAULT_STATE_PATH, options: FileStateStoreOptions = {}) {
    this.path = path;
    this.now = options.now ?? Date.now;
    this.staleLockMs = options.staleLockMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 500;
    this.beforeRename = options.beforeRename;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.redact = options.redact;
  }

  /** The stored state; `emptyState()` when the file does not exist yet. */
  async read(): Promise<UptimeState> {
    return (await this.snapshot()).state;
  }

  /**
   * Reads, applies `change` (which may mutate its argument and return nothing, or return a new state),
   * prunes old history, and writes atomically; re-applies `change` when another writer got there first.
   * `change` may therefore run more than once: keep it free of other side effects.
   */
  async update(change: (state: UptimeState) => UptimeState | void): Promise<UptimeState> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const before = await this.snapshot();
      const now = this.now();
      const changed = change(before.state) ?? before.state;
      const pruned: UptimeState = { ...pruneState(changed, now), updatedAt: now };
      const next = this.redact ? redactDeep(pruned, this.redact) : pruned;
      const temp = await this.writeTemp(`${JSON.stringify(next, null, 2)}\n`);
      try {
        if (await this.swapIfUnchanged(temp, before.hash)) return next;
      } finally {
        await unlink(temp).catch(ignoreMissing);
      }
      // Another writer won this round: back off a little (jittered, growing) so a crowd of writers spreads out.
      await sleep(Math.floor(Math.random() * Math.min(50, 2 ** attempt)));
    }
    throw new StateError(
      `State file ${this.path}: gave up after ${this.maxAttempts} attempts because other writers kept changing it. ` +
        `If no other uptime-action is running, delete ${this.lockPath} and retry.`,
    );
  }

  private get lockPath(): string {
    return `${this.path}.lock`;
  }

  private async snapshot(): Promise<Snapshot> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error: unknown) {
      if (codeOf(error) === 'ENOENT') return { state: emptyState(), hash: MISSING };
      throw new StateError(
        `State file ${this.path} can't be read (${describe(error)}). Check its permissions.`,
      );
    }
    const hash = hashOf(bytes);
    const { state, problems } = parseStateText(bytes.toString('utf8'));
    if (problems.length > 0 && !this.keptAside.has(hash)) {
      this.keptAside.add(hash);
      const aside = `${this.path}.broken-${this.now()}.json`;
      await writeFile(aside, bytes, { flag: 'wx' }).catch(() => undefined);
      // Bounded: a file with thousands of bad parts names the first ones and counts the rest.
      for (const problem of problems.slice(0, MAX_PROBLEM_LINES))
        this.warn(`${problem} (file ${this.path}; the original is kept as ${aside})`);
      if (problems.length > MAX_PROBLEM_LINES)
        this.warn(
          `state: ${problems.length - MAX_PROBLEM_LINES} more parts reset (file ${this.path}; see ${aside})`,
        );
    }
    return { state, hash };
  }

  private async currentHash(): Promise<string> {
    try {
      return hashOf(await readFile(this.path));
    } catch (error: unknown) {
      if (codeOf(error) === 'ENOENT') return MISSING;
      throw error;
    }
  }

  /** Writes `text` to a fresh temp file beside the state and fsyncs it. */
  private async writeTemp(text: string): Promise<string> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    if (!this.tempsChecked) {
      this.tempsChecked = true;
      await this.removeOrphanTemps();
    }
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  /** Under the lock: renames `temp` over the state if the state still has `expectedHash`. */
  private async swapIfUnchanged(temp: string, expectedHash: string): Promise<boolean> {
    await this.lock();
    try {
      if ((await this.currentHash()) !== expectedHash) return false;
      await this.beforeRename?.(temp);
      await rename(temp, this.path);
      await fsyncDirectory(dirname(this.path));
      return true;
    } finally {
      await unlink(this.lockPath).catch(ignoreMissing);
    }
  }

  /** Takes `<path>.lock` under the shared retry policy: busy → short jittered waits, bounded in total. */
  private async lock(): Promise<void> {
    try {
      await withRetry(() => this.tryLock(), {
        retries: Number.POSITIVE_INFINITY,
        baseDelayMs: 2,
        maxDelayMs: 5,
        maxTotalDelayMs: this.staleLockMs * 3,
        shouldRetry: (error) => error instanceof LockBusy,
      });
    } catch (error) {
      if (!(error instanceof LockBusy)) throw error;
      throw new StateError(
        `State file ${this.path} is locked by ${this.lockPath}. If no other uptime-action is running, delete it.`,
      );
    }
  }

  /** One try at the lock; throws LockBusy while another writer holds it. */
  private async tryLock(): Promise<void> {
    try {
      const handle = await open(this.lockPath, 'wx');
      try {
        // Who holds it: a later writer on this host breaks the lock of a process that is gone at once.
        await handle.writeFile(`${hostname()} ${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error: unknown) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
    const age = await stat(this.lockPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    // Left by a process that died while holding it: the lock is only held for a rename.
    if (age > this.staleLockMs || (await this.holderGone())) await unlink(this.lockPath).catch(ignoreMissing);
    throw new LockBusy(`${this.lockPath} is held`);
  }

  /** Whether the lock names a process of this host that no longer runs (killed while it held the lock). */
  private async holderGone(): Promise<boolean> {
    const text = await readFile(this.lockPath, 'utf8').catch(() => '');
    const [host, pid] = text.trim().split(' ');
    if (host !== hostname() || !/^\d+$/.test(pid ?? '') || Number(pid) === process.pid) return false;
    return !processAlive(Number(pid));
  }

  /**
   * Removes the temp files of writers that died before renaming them (a kill -9 mid-write leaves one the size
   * of the state): those of a process of this host that no longer runs, and any older than an hour.
   */
  private async removeOrphanTemps(): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `.${basename(this.path)}.`;
    const names = await readdir(dir).catch((): string[] => []);
    for (const name of names) {
      const match = name.startsWith(prefix)
        ? /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length))
        : null;
      if (!match || Number(match[1]) === process.pid) continue;
      const path = join(dir, name);
      const old = await stat(path).then(
        (s) => Date.now() - s.mtimeMs > ORPHAN_TEMP_MS,
        () => false,
      );
      if (old || !processAlive(Number(match[1]))) await unlink(path).catch(ignoreMissing);
    }
  }
}

/** The lock is held by another writer (retried). */
class LockBusy extends Error {
  override name = 'LockBusy';
}

function hashOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function codeOf(error: unknown): string | undefined {
  const code = field(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  return codeOf(error) ?? (error instanceof Error ? error.message : String(error));
}

function ignoreMissing(error: unknown): void {
  if (codeOf(error) !== 'ENOENT') throw error;
}

/** Makes the rename itself durable. Some platforms (Windows) can't fsync a directory; the rename still happened. */
async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error: unknown) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(codeOf(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
