/**
 * The chaos run's services as real child processes on 127.0.0.1: start, crash, restart on the same port.
 * The first start listens on port 0 and the child reports the port the kernel gave it (`ready <port>`), so no
 * port is ever released and handed over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'service.mjs');

export type Behaviour = 'steady' | 'flaky' | 'flappy';

/** One service process; `output` collects everything it printed (grepped for secrets at the end). */
export class ServiceProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];
  /** Processes started (the first one and every restart). */
  starts = 0;

  /** 0 until the first start has listened; restarts keep it (the platform keeps the URL). */
  port = 0;

  constructor(
    readonly name: string,
    readonly behaviour: Behaviour,
  ) {}

  /** The health URL; known once `start()` has resolved. */
  get url(): string {
    if (!this.port) throw new Error(`chaos: ${this.name} has no port before its first start().`);
    return `http://127.0.0.1:${this.port}/health`;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once it listens (rejects after 5 s). */
  start(): Promise<void> {
    this.starts++;
    const child = spawn(
      process.execPath,
      [script, this.name, String(this.port), this.behaviour, String(process.pid)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => this.output.push(c.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`chaos: ${this.name} did not start within 5 s.`)),
        5000,
      );
      child.stdout?.on('data', (c: Buffer) => {
        this.output.push(c.toString());
        const ready = /\bready (\d+)/.exec(c.toString());
        if (ready) {
          this.port = Number(ready[1]);
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`chaos: ${this.name} exited (${code}) before it listened.`));
      });
    });
  }

  /** Kills the process at once (a crash) and resolves when it is gone. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  private queue: Promise<void> = Promise.resolve();
  /** Restarts that failed (the process did not come back), with the reason. */
  readonly failures: string[] = [];

  /**
   * A platform restart: stop (if running) and start again on the same port. Restarts of one service run one
   * after another (two runs may ask at once); a failure is recorded, never thrown.
   */
  restart(): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        await this.crash();
        await this.start();
      } catch (error: unknown) {
        this.failures.push(error instanceof Error ? error.message : String(error));
      }
    });
    return this.queue;
  }
}
