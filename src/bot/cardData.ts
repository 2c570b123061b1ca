import { z } from 'zod';
import { EDITABLE_FIELDS, type EditableField } from '../domain/patient';

/**
 * Shapes of what card buttons send back. Anything the client could have edited is checked here;
 * the team is never taken from it.
 */
const id = z.string().min(1).max(100);
/**
 * Typed text is bounded far above every field's limit, so that a value one character too long
 * reaches the domain and gets its clear "too long (N at most)" answer instead of being cut.
 */
const TYPED_MAX = 20_000;
const text = (max: number) => z.string().max(max).optional();

export const patientRef = z.object({ patientId: id, version: z.coerce.number().int().positive().optional() });

export const detailsInput = z.object({
  name: z.string().max(TYPED_MAX).default(''),
  ...(Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, text(TYPED_MAX)])) as Record<EditableField, ReturnType<typeof text>>),
});

export const createInput = detailsInput.extend({ requestId: id, force: z.boolean().optional() });
export const updateInput = detailsInput.merge(patientRef);
export const noteInput = patientRef.extend({ requestId: id, note: z.string().max(TYPED_MAX).default('') });
export const inactiveInput = patientRef.extend({ reason: z.string().max(100).default(''), comment: z.string().max(TYPED_MAX).default('') });
export const listPageInput = z.object({
  filter: z.enum(['active', 'inactive', 'flagged', 'all']).default('active'),
  after: z.string().max(200).optional(),
  before: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});
