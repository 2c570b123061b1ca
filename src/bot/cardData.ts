import { z } from 'zod';
import { EDITABLE_FIELDS, type EditableField } from '../domain/patient';

/**
 * Shapes of what card buttons send back. Anything the client could have edited is checked here;
 * the team is never taken from it.
 */
const id = z.string().min(1).max(100);
const text = (max: number) => z.string().max(max).optional();

export const patientRef = z.object({ patientId: id, version: z.coerce.number().int().positive().optional() });

export const detailsInput = z.object({
  name: z.string().max(1000).default(''),
  ...(Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, text(5000)])) as Record<EditableField, ReturnType<typeof text>>),
});

export const createInput = detailsInput.extend({ requestId: id });
export const updateInput = detailsInput.merge(patientRef);
export const noteInput = patientRef.extend({ requestId: id, note: z.string().max(10000).default('') });
export const inactiveInput = patientRef.extend({ reason: z.string().max(100).default('') });
export const listPageInput = z.object({
  filter: z.enum(['active', 'inactive', 'flagged', 'all']).default('active'),
  after: z.string().max(200).optional(),
  before: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});
