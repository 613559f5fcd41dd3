import * as z from 'zod';

/**
 * shields.io's endpoint badge schema, written from its documentation
 * (https://shields.io/badges/endpoint-badge, "Schema") and the Joi schema of its endpoint service:
 * `schemaVersion` always 1; `label` a string (may be empty); `message` a non-empty string; optional
 * `color`, `labelColor`, `isError`, `namedLogo`, `logoSvg` (not both logos), `logoColor`, `logoWidth`, `style`,
 * `cacheSeconds` (we require at least 300: shields ignores shorter ones). Unknown keys are rejected, as Joi does.
 */
export const shieldsEndpointSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.string().min(1),
    color: z.string().min(1).optional(),
    labelColor: z.string().min(1).optional(),
    isError: z.boolean().optional(),
    namedLogo: z.string().optional(),
    logoSvg: z.string().optional(),
    logoColor: z.string().optional(),
    logoWidth: z.number().optional(),
    style: z.enum(['plastic', 'flat', 'flat-square', 'for-the-badge', 'social']).optional(),
    cacheSeconds: z.number().int().min(300).optional(),
  })
  .refine(
    (b) => !(b.namedLogo !== undefined && b.logoSvg !== undefined),
    'namedLogo and logoSvg exclude each other',
  );
