/**
 * Every refusal the domain can give. The bot turns the code into a sentence in the user's
 * language; params never carry patient data into logs (only into the reply to the same team).
 */
export type DomainErrorCode =
  | 'nameRequired'
  | 'nameTooLong'
  | 'dateInvalid'
  | 'dateInFuture'
  | 'dateTooOld'
  | 'valueTooLong'
  | 'valueInvalid'
  | 'phoneInvalid'
  | 'noteRequired'
  | 'noteTooLong'
  | 'patientNotFound'
  | 'patientChanged'
  | 'concurrentEdit'
  | 'alreadyInactive'
  | 'alreadyActive'
  | 'alreadySaved'
  | 'flagReasonRequired'
  | 'notFlagged'
  | 'alreadyFollowing'
  | 'notFollowing'
  | 'alertNotFound'
  | 'superuserOnly'
  | 'guestCannotBeSuperuser'
  | 'alreadySuperuser'
  | 'notSuperuser'
  | 'lastSuperuser'
  | 'settingOutOfRange'
  | 'releveHoursOutOfRange'
  | 'shiftTimesInvalid';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

/** The team already has this patient (same name, accents and case aside, or same file number): the person is asked first. */
export class DuplicatePatientError extends Error {
  constructor(
    readonly existing: { id: string; number: number; name: string; fileNumber?: string },
    readonly sameFileNumber: boolean,
  ) {
    super('duplicate patient');
    this.name = 'DuplicatePatientError';
  }
}

/** Thrown by a store when a conditional write lost against another writer (HTTP 412). */
export class ConcurrentEditError extends Error {
  constructor() {
    super('concurrent edit');
    this.name = 'ConcurrentEditError';
  }
}

/** Thrown by a store when a document with the same id already exists (HTTP 409). */
export class AlreadyExistsError extends Error {
  constructor() {
    super('already exists');
    this.name = 'AlreadyExistsError';
  }
}
