import { codeOf } from './fields.js';

/** Whether `pid` is a live process on this host (`kill -0`). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: it exists, under another user.
    return codeOf(error) === 'EPERM';
  }
}
