/**
 * The few runner calls the Action makes, in GitHub's documented workflow-command formats (the same bytes as
 * @actions/core 3, whose http-client and undici were most of the bundle and of its start-up time):
 * - log commands on stdout, `::name key=value,key=value::message`, with `%`, CR and LF escaped in the message
 *   and additionally `:` and `,` in property values;
 * - outputs appended to the `GITHUB_OUTPUT` file as `name<<ghadelimiter_<uuid>\nvalue\nghadelimiter_<uuid>\n`;
 * - the job summary appended to the `GITHUB_STEP_SUMMARY` file.
 * Every function reads `process.env` when called, never at import.
 */
import { randomUUID } from 'node:crypto';
import { accessSync, appendFileSync, constants, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/** Properties of an error or warning annotation (only the title is used by the Action). */
export interface AnnotationProperties {
  title?: string;
}

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Writes one workflow command to stdout; empty property values are left out, as the runner ignores them. */
export function issueCommand(
  command: string,
  properties: Record<string, string | undefined>,
  message: string,
): void {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

/** An input's value: `INPUT_<NAME>` (upper-cased, spaces as `_`), trimmed; `''` when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Sets a step output in the `GITHUB_OUTPUT` file (the `set-output` command when the runner gives no file). */
export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) {
    process.stdout.write(EOL);
    issueCommand('set-output', { name }, value);
    return;
  }
  if (!existsSync(file))
    throw new Error(
      `GITHUB_OUTPUT names ${file}, which does not exist; the runner creates it for each step.`,
    );
  const delimiter = `ghadelimiter_${randomUUID()}`;
  // A random delimiter cannot be guessed by whoever controls the value; refuse the impossible collision anyway.
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Output ${name}: the name or value contains the delimiter ${delimiter}; not written.`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

/** Masks a value in the rest of the job's log. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

/** A debug line, shown only when the workflow runs with step debug logging. */
export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

/** A plain log line. */
export function info(message: string): void {
  process.stdout.write(message + EOL);
}

/** An error annotation. */
export function error(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('error', { title: properties.title }, message);
}

/** A warning annotation. */
export function warning(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('warning', { title: properties.title }, message);
}

/** Fails the step: exit code 1 when the process ends, and the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Appends Markdown (and a line break) to the job summary in the `GITHUB_STEP_SUMMARY` file. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file)
    throw new Error(
      'GITHUB_STEP_SUMMARY is not set; the job summary is only written inside a GitHub Actions job.',
    );
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (cause: unknown) {
    throw new Error(
      `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`,
      { cause },
    );
  }
  appendFileSync(file, markdown + EOL, 'utf8');
}
