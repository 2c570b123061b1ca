import type { EditableField } from '../domain/patient';
import { DEFAULT_FIELDS, enabledFields, type TeamSettings } from '../domain/team';
import { type Lang, t } from '../i18n/messages';

/** A field as the team shows it: only the fields it uses, under its own labels. */
export interface FieldView {
  field: EditableField;
  label: string;
}

export function fieldViews(lang: Lang, settings?: Pick<TeamSettings, 'fields'>): FieldView[] {
  const fields = settings ? enabledFields(settings as TeamSettings) : DEFAULT_FIELDS;
  return fields.map((field) => ({ field, label: settings?.fields[field]?.label ?? t(lang, `field.${field}`) }));
}
