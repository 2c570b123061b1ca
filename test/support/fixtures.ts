import type { Actor } from '../../src/domain/patient';

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
  };
}
