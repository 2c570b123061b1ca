import type { EditableField } from '../domain/patient';
import { DEFAULT_FIELDS, enabledFields, type TeamSettings } from '../domain/team';
import { isMessageKey, type Lang, t } from '../i18n/messages';

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
