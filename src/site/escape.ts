import { html } from '../util/escape.js';

/** Escapes text for HTML element content and quoted attribute values: the one HTML escape (src/util/escape.ts). */
export const esc = html;

/** An `href` only for http(s) URLs (never `javascript:`), escaped; undefined otherwise. */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? esc(parsed.href) : undefined;
  } catch {
    return undefined;
  }
}

/** `2026-11-30 12:00 UTC`. */
export function utc(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
