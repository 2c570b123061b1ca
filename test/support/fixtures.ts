import type { Actor, Patient } from '../../src/domain/patient';

/** Synthetic people and patients: no real person's data anywhere in the tests. */
export const nurse: Actor = { id: 'aad-nurse-0001', name: 'Alice Tremblay' };
export const physician: Actor = { id: 'aad-md-0002', name: 'Benoît Gagnon' };

export const TEAM_A = '19:team-a@thread.tacv2';
export const TEAM_B = '19:team-b@thread.tacv2';

/** A long French name with accents, for cards that must not overflow. */
export const LONG_FRENCH_NAME = 'Marie-Éléonore Bélanger-Côté de la Chaudière-Appalaches';

export function fixedClock(iso = '2026-11-25T15:00:00.000Z') {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    set(at: string) {
      now = new Date(at);
    },
  };
}

let sequence = 0;
/** A patient as the store holds it, numbered in creation order within the test file; overrides win. */
export function syntheticPatient(teamId: string, overrides: Partial<Patient> = {}): Patient {
  sequence += 1;
  const at = new Date(Date.UTC(2026, 10, 1, 0, sequence)).toISOString();
  return {
    id: `p-${teamId.slice(3, 9)}-${sequence}`,
    teamId,
    number: sequence,
    name: `Patient Synthétique ${sequence}`,
    status: 'active',
    followers: [],
    followerIds: [],
    recentNotes: [],
    noteCount: 0,
    created: { by: nurse, at },
    updated: { by: nurse, at },
    version: 1,
    ...overrides,
  };
}

/**
 * A patient card's worst case: long French text in every field, numbered `number` and last active
 * `number` minutes before `now`; each card test overrides what it needs (notes, followers, dates).
 */
export function longPatient(number: number, now: Date, overrides: Partial<Patient> = {}): Patient {
  const at = new Date(now.getTime() - number * 60_000).toISOString();
  return {
    id: `p${number}`,
    teamId: TEAM_A,
    number,
    name: `${LONG_FRENCH_NAME} ${number}`,
    room: 'CHSLD Saint-Jean-Baptiste, unité 3B, lit 12',
    dateOfBirth: '1938-02-14',
    fileNumber: 'TREM 3802 1412',
    reason: 'Suivi post-opératoire de la hanche droite',
    phone: '418-555-0199 poste 2231',
    clinician: 'Dre Anne-Sophie Bouchard-Lefebvre',
    status: 'active',
    followers: [nurse],
    followerIds: [nurse.id],
    recentNotes: [],
    noteCount: 0,
    created: { by: nurse, at },
    updated: { by: nurse, at },
    version: 3,
    ...overrides,
  };
}
