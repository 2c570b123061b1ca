import dayjs from 'dayjs';
import 'dayjs/locale/fr-ca';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Lang } from './messages';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Québec's time zone: every team of the network is in it, and the server runs in UTC. */
export const TIME_ZONE = 'America/Toronto';

/**
 * French writes the first of the month « 1er » and the time « 16 h 34 » (Office québécois de la
 * langue française), with no-break spaces so that a narrow card never splits the time.
 */
function frenchDay(date: dayjs.Dayjs): string {
  return date.date() === 1 ? '1er' : String(date.date());
}

function local(iso: string, lang: Lang): dayjs.Dayjs {
  return dayjs(iso).tz(TIME_ZONE).locale(lang === 'fr' ? 'fr-ca' : 'en');
}

export function formatDateTime(iso: string, lang: Lang): string {
  const date = local(iso, lang);
  return lang === 'fr' ? `${frenchDay(date)} ${date.format('MMM YYYY, H[\u00a0h\u00a0]mm')}` : date.format('MMM D, YYYY, h:mm A');
}

export function formatDate(iso: string, lang: Lang): string {
  const date = local(iso, lang);
  return lang === 'fr' ? `${frenchDay(date)} ${date.format('MMM YYYY')}` : date.format('MMM D, YYYY');
}

/** A calendar day (YYYY-MM-DD, no time zone) written out in full: « 1er février 1938 », "February 1, 1938". */
export function formatDay(day: string, lang: Lang): string {
  const date = dayjs.utc(day).locale(lang === 'fr' ? 'fr-ca' : 'en');
  return lang === 'fr' ? `${frenchDay(date)} ${date.format('MMMM YYYY')}` : date.format('MMMM D, YYYY');
}

/** Whole years between a YYYY-MM-DD birth date and now. */
export function ageOn(dateOfBirth: string, now: Date): number {
  const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const today = dayjs(now).tz(TIME_ZONE);
  const beforeBirthday = today.month() + 1 < month || (today.month() + 1 === month && today.date() < day);
  return today.year() - year - (beforeBirthday ? 1 : 0);
}

/** A time of day (24 h, as shift times are written), with the date when it is not today in Québec. */
export function formatSince(iso: string, now: Date, lang: Lang): string {
  const at = dayjs(iso).tz(TIME_ZONE).locale(lang === 'fr' ? 'fr-ca' : 'en');
  if (at.format('YYYY-MM-DD') === dayjs(now).tz(TIME_ZONE).format('YYYY-MM-DD')) return at.format('HH:mm');
  return at.format(lang === 'fr' ? 'D MMM, HH:mm' : 'MMM D, HH:mm');
}
