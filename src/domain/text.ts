/** Case- and accent-insensitive form used to match commands and name parts ("Signalés" = "signales"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Control characters and bidi embeddings, overrides, isolates and marks (which can disguise a
 * name). Other format characters stay: the zero-width joiner and non-joiner are part of emoji
 * sequences and of Persian and Indic spellings, tag characters of subdivision flags.
 */
const CONTROLS = /\p{Cc}/gu;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** Trims and collapses inner whitespace; strips what has no place in a list cell. */
export function cleanText(text: string): string {
  return text.replace(BIDI, '').replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}

/** Like cleanText but keeps line breaks, for follow-up notes. */
export function cleanMultiline(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(cleanText)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
