import { DomainError } from '../../src/domain/errors';
import { defaultSettings, grantSuperuser, isSuperuser, revokeSuperuser } from '../../src/domain/team';
import { nurse, physician } from '../support/fixtures';

const clerk = { id: 'aad-clerk-0003', name: 'Chloé Roy' };

function refusal(change: () => unknown): string {
  try {
    change();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('not refused');
}

describe('superusers', () => {
  it('makes the team’s first user its only superuser', () => {
    const settings = defaultSettings(nurse);
    expect(settings.superusers).toEqual([nurse]);
    expect(isSuperuser(settings, nurse.id)).toBe(true);
    expect(isSuperuser(settings, physician.id)).toBe(false);
  });

  it('lets a superuser grant the role to a member, once, never to a guest', () => {
    const settings = defaultSettings(nurse);
    const granted = grantSuperuser(settings, nurse, physician, false);
    expect(granted.superusers).toEqual([nurse, physician]);
    expect(settings.superusers).toEqual([nurse]);
    expect(refusal(() => grantSuperuser(granted, nurse, physician, false))).toBe('alreadySuperuser');
    expect(refusal(() => grantSuperuser(settings, nurse, clerk, true))).toBe('guestCannotBeSuperuser');
  });

  it('refuses a member who is no superuser both the grant and the revoke', () => {
    const settings = grantSuperuser(defaultSettings(nurse), nurse, physician, false);
    expect(refusal(() => grantSuperuser(settings, clerk, clerk, false))).toBe('superuserOnly');
    expect(refusal(() => revokeSuperuser(settings, clerk, nurse.id))).toBe('superuserOnly');
  });

  it('revokes a superuser, oneself included, but never the last one', () => {
    const settings = grantSuperuser(defaultSettings(nurse), nurse, physician, false);
    const revoked = revokeSuperuser(settings, physician, nurse.id);
    expect(revoked.superusers).toEqual([physician]);
    expect(revokeSuperuser(settings, physician, physician.id).superusers).toEqual([nurse]);
    expect(refusal(() => revokeSuperuser(revoked, physician, physician.id))).toBe('lastSuperuser');
    expect(refusal(() => revokeSuperuser(revoked, physician, clerk.id))).toBe('notSuperuser');
  });
});
