import { EDITABLE_FIELDS, type EditableField, INACTIVE_REASONS, type Patient } from '../domain/patient';
import { type Lang, t } from '../i18n/messages';
import { type AdaptiveCard, type ExecuteAction, executeAction, expand, type Notice, plain, plainBlock, VERBS } from './adaptive';
import { journalRetention, LABEL_MAX, LIST_NAME_MAX, type TeamSettings } from '../domain/team';
import { JOURNAL_RETENTION_MAX, JOURNAL_RETENTION_MIN } from '../domain/journal';
import { type FieldView, fieldViews } from './fields';
import template from './templates/form.json';

/** What the person had typed, given back when a form is refused so that nothing is lost. */
export type FormValues = Partial<Record<EditableField | 'name' | 'note' | 'reason', string>>;

function render(heading: string, inputs: object[], actions: ExecuteAction[], lang: Lang, notice?: Notice): AdaptiveCard {
  return expand(template, {
    notice: notice ?? null,
    heading,
    inputs: inputs.map((input) => ({ input })),
    actions,
    disclaimer: t(lang, 'disclaimer'),
  });
}

function fieldInput({ field, label }: FieldView, value: string | undefined, lang: Lang, today: string): object {
  const common = { id: field, label, value: value ?? '' };
  if (field === 'dateOfBirth') return { type: 'Input.Date', ...common, max: today, placeholder: t(lang, 'placeholder.date') };
  if (field === 'ptiDate') return { type: 'Input.Date', ...common, placeholder: t(lang, 'placeholder.date') };
  return {
    type: 'Input.Text',
    ...common,
    ...((field === 'reason' || field === 'address') && { isMultiline: true }),
    ...(field === 'phone' && { style: 'Tel' }),
  };
}

/** Add (a new request id per form, so a second tap on Save creates nothing) or Edit (knows the version shown). */
export function patientFormCard(
  lang: Lang,
  target: { mode: 'create'; requestId: string } | { mode: 'edit'; patient: Patient },
  options: { values?: FormValues; notice?: Notice; now?: Date; fields?: FieldView[] } = {},
): AdaptiveCard {
  const patient = target.mode === 'edit' ? target.patient : undefined;
  const fields = options.fields ?? fieldViews(lang);
  const values: FormValues = options.values ?? (patient ? { name: patient.name, ...pickFields(patient) } : {});
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const inputs = [
    {
      type: 'Input.Text',
      id: 'name',
      label: t(lang, 'field.name'),
      placeholder: t(lang, 'placeholder.name'),
      value: values.name ?? '',
      isRequired: true,
      errorMessage: t(lang, 'form.required'),
    },
    ...fields.map((view) => fieldInput(view, values[view.field], lang, today)),
  ];
  const actions = patient
    ? [
        executeAction(t(lang, 'action.save'), VERBS.update, { patientId: patient.id, version: patient.version }, { style: 'positive', inputs: true }),
        executeAction(t(lang, 'action.cancel'), VERBS.open, { patientId: patient.id }, { inputs: false }),
      ]
    : [executeAction(t(lang, 'action.save'), VERBS.create, { requestId: target.mode === 'create' ? target.requestId : '' }, { style: 'positive', inputs: true })];
  const heading = patient ? t(lang, 'form.editPatient', { number: patient.number }) : t(lang, 'form.newPatient');
  return render(heading, inputs, actions, lang, options.notice);
}

export function noteFormCard(
  patient: Patient,
  requestId: string,
  lang: Lang,
  options: { values?: FormValues; notice?: Notice } = {},
): AdaptiveCard {
  const input = {
    type: 'Input.Text',
    id: 'note',
    label: t(lang, 'field.note'),
    placeholder: t(lang, 'placeholder.note'),
    value: options.values?.note ?? '',
    isMultiline: true,
    isRequired: true,
    errorMessage: t(lang, 'error.noteRequired'),
  };
  return render(
    t(lang, 'form.note', { number: patient.number, name: plain(patient.name) }),
    [input],
    [
      executeAction(t(lang, 'action.save'), VERBS.noteSave, { patientId: patient.id, requestId }, { style: 'positive', inputs: true }),
      executeAction(t(lang, 'action.cancel'), VERBS.open, { patientId: patient.id }, { inputs: false }),
    ],
    lang,
    options.notice,
  );
}

/** No reason is preselected: a wrong default (discharge for an absence) would be costly. The comment is optional. */
export function inactiveFormCard(patient: Patient, lang: Lang, options: { notice?: Notice; values?: { reason?: string; comment?: string } } = {}): AdaptiveCard {
  const reason = {
    type: 'Input.ChoiceSet',
    id: 'reason',
    label: t(lang, 'field.inactiveReason'),
    style: 'expanded',
    isRequired: true,
    errorMessage: t(lang, 'usage.inactive'),
    value: options.values?.reason ?? '',
    choices: INACTIVE_REASONS.map((value) => ({ title: t(lang, `inactive.${value}`), value })),
  };
  const comment = {
    type: 'Input.Text',
    id: 'comment',
    label: t(lang, 'field.inactiveComment'),
    placeholder: t(lang, 'placeholder.inactiveComment'),
    value: options.values?.comment ?? '',
  };
  return render(
    t(lang, 'form.inactive', { number: patient.number, name: plain(patient.name) }),
    [reason, comment],
    [
      executeAction(t(lang, 'action.confirm'), VERBS.setInactive, { patientId: patient.id, version: patient.version }, { style: 'destructive', inputs: true }),
      executeAction(t(lang, 'action.cancel'), VERBS.open, { patientId: patient.id }, { inputs: false }),
    ],
    lang,
    options.notice,
  );
}

export function flagFormCard(patient: Patient, lang: Lang, options: { values?: { level?: string; reason?: string }; notice?: Notice } = {}): AdaptiveCard {
  const level = {
    type: 'Input.ChoiceSet',
    id: 'level',
    label: t(lang, 'field.flagLevel'),
    style: 'expanded',
    isRequired: true,
    errorMessage: t(lang, 'usage.flag'),
    value: options.values?.level ?? patient.flag?.level ?? 'attention',
    choices: (['attention', 'urgent'] as const).map((value) => ({ title: t(lang, `flag.level.${value}`), value })),
  };
  const reason = {
    type: 'Input.Text',
    id: 'reason',
    label: t(lang, 'field.flagReason'),
    value: options.values?.reason ?? patient.flag?.reason ?? '',
    isRequired: true,
    errorMessage: t(lang, 'error.flagReasonRequired'),
  };
  return render(
    t(lang, 'form.flag', { number: patient.number, name: plain(patient.name) }),
    [level, reason],
    [
      executeAction(t(lang, 'action.flag'), VERBS.flag, { patientId: patient.id, version: patient.version }, { style: 'destructive', inputs: true }),
      executeAction(t(lang, 'action.cancel'), VERBS.open, { patientId: patient.id }, { inputs: false }),
    ],
    lang,
    options.notice,
  );
}

function pickFields(patient: Patient): FormValues {
  return Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, patient[field] ?? '']));
}

/** Superusers only: how the team's list works. Shows the team id that the import tool takes. */
export function settingsFormCard(settings: TeamSettings, teamId: string, lang: Lang, options: { notice?: Notice } = {}): AdaptiveCard {
  const inputs: object[] = [
    plainBlock(t(lang, 'settings.teamId', { teamId }), { size: 'Small', fontType: 'Monospace' }),
    plainBlock(t(lang, 'settings.superusers', { names: settings.superusers.map((s) => s.name).join(', ') }), { size: 'Small' }),
    plainBlock(settings.shifts ? t(lang, 'settings.shiftTimes', { times: settings.shifts.times.join(', ') }) : t(lang, 'settings.noShiftTimes'), { size: 'Small' }),
    { type: 'Input.Text', id: 'listName', label: t(lang, 'field.listName'), value: settings.listName ?? '', maxLength: LIST_NAME_MAX },
    { type: 'Input.Number', id: 'retentionMonths', label: t(lang, 'field.retentionMonths'), value: settings.retentionMonths, min: 1, max: 120 },
    { type: 'Input.Number', id: 'journalRetentionMonths', label: t(lang, 'field.journalRetentionMonths'), value: journalRetention(settings), min: JOURNAL_RETENTION_MIN, max: JOURNAL_RETENTION_MAX },
    { type: 'TextBlock', text: t(lang, 'settings.journalRetention'), wrap: true, size: 'Small', isSubtle: true, spacing: 'None' },
    { type: 'Input.Number', id: 'reminderIntervalMinutes', label: t(lang, 'field.reminderIntervalMinutes'), value: settings.reminderIntervalMinutes, min: 1, max: 60 },
    ...EDITABLE_FIELDS.flatMap((field) => {
      const standard = t(lang, `field.${field}`);
      return [
        { type: 'Input.Toggle', id: `enabled_${field}`, title: t(lang, 'field.enabled', { label: standard }), value: String(settings.fields[field]?.enabled ?? false), valueOn: 'true', valueOff: 'false' },
        { type: 'Input.Text', id: `label_${field}`, label: t(lang, 'field.label', { label: standard }), placeholder: standard, value: settings.fields[field]?.label ?? '', maxLength: LABEL_MAX },
      ];
    }),
  ];
  return render(
    t(lang, 'settings.title'),
    inputs,
    [executeAction(t(lang, 'action.save'), VERBS.settingsSave, {}, { style: 'positive', inputs: true })],
    lang,
    options.notice,
  );
}
