import { type Alert, type AlertPolicy, joinsAlert, mergeIntoAlert, newAlert } from './alerts';
import type { FieldChange } from './history';
import { type AccessRecord, alertAccess } from './journal';
import type { Actor, Patient } from './patient';
import type { Versioned } from './ports';

/** What a change that concerns the followers adds to its write. */
export interface AlertPlan {
  /** The patient to write: a new alert becomes its latest, that later changes may join. */
  patient: Patient;
  newAlert?: Alert;
  /** The patient's latest alert with the change joined, conditional on the ETag it was read with. */
  mergedAlert?: Versioned<Alert>;
  /** Posting (or redrawing) the alert communicates the change to the mentioned people. */
  access: AccessRecord;
}

/**
 * The outbox side of a change that needs an alert (see needsAlert): it joins the patient's
 * latest alert when joinsAlert says so, else it makes a new one; either way, with its journal record.
 */
export function planAlert(
  patient: Patient,
  latest: Versioned<Alert> | null,
  changes: FieldChange[],
  by: Actor,
  now: Date,
  policy: AlertPolicy,
  ids: { alert: string; access: string },
): AlertPlan {
  if (latest && joinsAlert(latest.value, patient, now, policy)) {
    const merged = mergeIntoAlert(latest.value, patient, changes, by, now);
    return { patient, mergedAlert: { value: merged, etag: latest.etag }, access: alertAccess(ids.access, merged, by, now) };
  }
  const alert = newAlert(ids.alert, patient, changes, by, now);
  return { patient: { ...patient, alerting: { latestId: alert.id } }, newAlert: alert, access: alertAccess(ids.access, alert, by, now) };
}
