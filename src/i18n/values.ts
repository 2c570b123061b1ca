import { INACTIVE_REASONS, type InactiveReason } from '../domain/patient';
import { formatDay } from './format';
import { type Lang, t } from './messages';

/**
 * Stored values as a person reads them: `inactive` → « Inactif », `leave` → « Absence temporaire »,
 * `urgent: Chute` → « URGENT : Chute », `1938-02-14` → « 14 février 1938 ». History records and
 * alerts keep the stored value (so old records keep their meaning); every card shows it through here.
 */
export function shownValue(field: string, value: string, lang: Lang): string {
  switch (field) {
    case 'status':
      return value === 'active' || value === 'inactive' ? t(lang, `status.${value}`) : value;
    case 'inactiveReason':
      return isReason(value) ? t(lang, `inactive.${value}`) : value;
    case 'flag': {
      const match = /^(attention|urgent): ([\s\S]*)$/.exec(value);
      return match ? `${shownFlagLevel(match[1]!, lang)} : ${match[2]}` : value;
    }
    case 'dateOfBirth':
    case 'ptiDate':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value, lang) : value;
    default:
      return value;
  }
}

/** A flag's level alone (`urgent` → « URGENT »), as the relève names it; an unknown one as stored. */
export function shownFlagLevel(level: string, lang: Lang): string {
  return level === 'attention' || level === 'urgent' ? t(lang, `flag.${level}`) : level;
}

function isReason(value: string): value is InactiveReason {
  return (INACTIVE_REASONS as readonly string[]).includes(value);
}
