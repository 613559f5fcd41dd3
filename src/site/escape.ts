/** Escapes text for HTML element content and quoted attribute values (`&`, `<`, `>`, `"`, `'`). */
export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

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
