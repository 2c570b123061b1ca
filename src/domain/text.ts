/** Case- and accent-insensitive form used to match commands and name parts ("Signalés" = "signales"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Trims and collapses inner whitespace; strips control characters that have no place in a list cell. */
export function cleanText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
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
