/** The benchmark's sections by name, each a function from "quick or full" to its Markdown. */
import { replayMarkdown, runReplay } from './replay.js';

/** Sizes of each section: the full run of `npm run bench`, and `--quick` for a smoke run. */
export const SECTIONS = {
  replay: async (quick: boolean) => {
    const options = { days: quick ? 1 : 30, seed: 42 };
    return replayMarkdown(await runReplay(options), options);
  },
} satisfies Record<string, (quick: boolean) => Promise<string>>;

export type SectionName = keyof typeof SECTIONS;

/** Runs one section in this process. */
export function runSection(name: SectionName, quick: boolean): Promise<string> {
  const section = SECTIONS[name];
  if (!section) throw new Error(`bench: unknown section "${String(name)}".`);
  return section(quick);
}
