import type { EditableField } from '../domain/patient';
import { DEFAULT_FIELDS, enabledFields, type TeamSettings } from '../domain/team';
import type { FieldChange } from '../domain/history';
import { isMessageKey, type Lang, t } from '../i18n/messages';
import { shownValue } from '../i18n/values';
import { plain, truncate } from './adaptive';

/** A field as the team shows it: only the fields it uses, under its own labels. */
export interface FieldView {
  field: EditableField;
  label: string;
}

export function fieldViews(lang: Lang, settings?: Pick<TeamSettings, 'fields'>): FieldView[] {
  const fields = settings ? enabledFields(settings as TeamSettings) : DEFAULT_FIELDS;
  return fields.map((field) => ({ field, label: settings?.fields[field]?.label ?? t(lang, `field.${field}`) }));
}

/** The label of a field named in a history record or an alert; a field without one shows its name. */
export function fieldLabel(field: string, lang: Lang): string {
  const key = `field.${field}`;
  return isMessageKey(key) ? t(lang, key) : field;
}

const VALUE_MAX = 120;

function shown(field: string, value: string | undefined, lang: Lang): string {
  if (value === undefined) return t(lang, 'alert.empty');
  const text = shownValue(field, value, lang);
  return plain(truncate(text, VALUE_MAX));
}

/** One change as history and alert cards show it, stored values translated; a value set for the first time has no « (vide) → ». */
export function changeText(change: FieldChange, lang: Lang): string {
  const field = fieldLabel(change.field, lang);
  if (change.old === undefined) return t(lang, 'history.set', { field, new: shown(change.field, change.new, lang) });
  return t(lang, 'history.change', { field, old: shown(change.field, change.old, lang), new: shown(change.field, change.new, lang) });
}
