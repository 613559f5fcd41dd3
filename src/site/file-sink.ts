import { field } from '../util/fields.js';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gitBlobSha, type SiteSink } from './sink.js';

/**
 * The status site in a local folder (`uptime-action watch --site DIR`), beside `GitHubSiteSink`: the same
 * `publishSite` decides what changed (by git blob sha, so a re-render that changes nothing writes nothing).
 * Only the site's own files are ever listed, replaced or removed — `index.html`, `status.json` and `badges/` —
 * so a folder that holds other files too keeps them. Each file is written to a temporary name and renamed,
 * so a web server serving the folder never sees half a file.
 */
export class FileSiteSink implements SiteSink {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /**
   * Checks that the folder can hold the site: creates it if missing. @throws Error naming the folder and the
   * cause when it is a file or cannot be created or written.
   */
  async prepare(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      const probe = join(this.dir, `.uptime-write-test-${process.pid}`);
      await writeFile(probe, '');
      await unlink(probe);
    } catch (error) {
      throw this.error('cannot be used', error);
    }
  }

  async current(): Promise<{ files: Record<string, string>; generatedHour?: number }> {
    const files: Record<string, string> = {};
    let generatedHour: number | undefined;
    try {
      for (const path of await this.list()) {
        const content = await readFile(join(this.dir, path), 'utf8');
        files[path] = gitBlobSha(content);
        if (path === 'status.json') generatedHour = generatedAt(content);
      }
    } catch (error) {
      throw this.error('could not be read', error);
    }
    return { files, generatedHour };
  }

  async write(files: Record<string, string>, remove: string[]): Promise<void> {
    try {
      for (const [path, content] of Object.entries(files)) {
        const target = this.inside(path);
        await mkdir(dirname(target), { recursive: true });
        const temp = `${target}.tmp-${process.pid}`;
        await writeFile(temp, content);
        await rename(temp, target);
      }
      for (const path of remove) await unlink(this.inside(path)).catch(ignoreMissing);
    } catch (error) {
      throw this.error('could not be written', error);
    }
  }

  /** The site's files now in the folder (relative, `/`-separated). */
  private async list(): Promise<string[]> {
    const found: string[] = [];
    for (const top of ['index.html', 'status.json']) {
      const info = await stat(join(this.dir, top)).catch(ignoreMissing);
      if (info?.isFile()) found.push(top);
    }
    const walk = async (folder: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true }).catch(ignoreMissing);
      for (const entry of entries ?? []) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !entry.name.includes('.tmp-'))
          found.push(relative(this.dir, path).split(sep).join('/'));
      }
    };
    await walk(join(this.dir, 'badges'));
    return found;
  }

  /** A path of the site inside the folder (paths come from validated service keys; this guards anyway). */
  private inside(path: string): string {
    const target = resolve(this.dir, path);
    if (!target.startsWith(this.dir + sep)) throw new Error(`refusing to write ${path} outside the folder`);
    return target;
  }

  private error(what: string, cause: unknown): Error {
    const code = field(cause, 'code');
    const reason =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'it (or a folder above it) is a file'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'no permission to write there'
          : cause instanceof Error
            ? cause.message
            : String(cause);
    return new Error(
      `The status site folder ${this.dir} ${what}: ${reason}. Give a folder that can be written.`,
      {
        cause,
      },
    );
  }
}

function ignoreMissing(error: unknown): undefined {
  if (field(error, 'code') === 'ENOENT') return undefined;
  throw error;
}

/** `generatedAt` of a published `status.json` (epoch ms), if readable. */
function generatedAt(content: string): number | undefined {
  try {
    const stamp = field(JSON.parse(content), 'generatedAt');
    const at = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}
