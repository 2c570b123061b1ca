import type { EditableField } from './patient';

/**
 * Other words for each field, in one table: `typed` are the field names the `set` / `modifier`
 * command takes (one folded word), `headers` the spellings an import also accepts as a column
 * header, besides both languages' labels. Kept apart where they differ on purpose: `raison` is a
 * typed word for the follow-up reason, but as a header it could be the inactive reason.
 */
export const FIELD_WORDS: Record<EditableField, { typed: readonly string[]; headers: readonly string[] }> = {
  room: { typed: ['room', 'unit', 'bed', 'chambre', 'unite', 'lit'], headers: ['chambre', 'unité', 'chambre/unité', 'room', 'unit', 'room/unit'] },
  dateOfBirth: { typed: ['dob', 'birthdate', 'birth', 'naissance', 'ddn'], headers: ['naissance', 'ddn', 'date naissance', 'dob', 'birth date', 'birthdate'] },
  fileNumber: {
    typed: ['file', 'mrn', 'dossier', 'ramq', 'nam'],
    headers: ['dossier', 'n° de dossier', 'no de dossier', 'numéro de dossier', 'carte santé', 'file', 'file number', 'health card', 'health-card number'],
  },
  reason: { typed: ['reason', 'motif', 'raison'], headers: ['motif', 'reason', 'reason for follow up'] },
  phone: { typed: ['phone', 'tel', 'telephone'], headers: ['tél', 'tél.', 'telephone', 'phone number'] },
  clinician: { typed: ['clinician', 'responsible', 'responsable', 'clinicien', 'clinicienne'], headers: ['responsable', 'clinicien', 'clinicienne', 'clinician'] },
  address: { typed: ['address', 'adresse', 'domicile'], headers: ['adresse', 'address'] },
  ptiDate: { typed: ['pti', 'ptidate'], headers: ['pti', 'date pti', 'pti date'] },
  allergy: { typed: ['allergy', 'allergies', 'allergie'], headers: ['allergie', 'allergy'] },
  codeStatus: { typed: ['code', 'codestatus', 'niveau', 'nds'], headers: ['niveau d’intervention médicale', 'nim', 'code status'] },
  familyContact: { typed: ['family', 'contact', 'proche', 'famille'], headers: ['proche', 'personne à joindre', 'contact', 'family'] },
};

/** The field a typed (folded) word names, or undefined. */
export function fieldOfWord(word: string): EditableField | undefined {
  return (Object.keys(FIELD_WORDS) as EditableField[]).find((field) => FIELD_WORDS[field].typed.includes(word));
}
