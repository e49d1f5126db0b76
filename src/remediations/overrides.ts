import { z } from 'zod';

/** SSM document names: letters, digits, `_`, `-`, `.`; shared documents may be given by ARN. */
const documentName = z.string().regex(/^(arn:aws[a-z-]*:ssm:[^\s]+|[a-zA-Z0-9_.-]{3,128})$/, 'expected an SSM document name or ARN');
const parameterValue = z.union([z.string(), z.array(z.string())]);

/**
 * One WARDEN_REMEDIATIONS entry, keyed by Config rule name (matched like the catalogue's names).
 * - `{ runbook, resourceIdParameter?, parameters?, resourceTypes? }` maps the rule to a runbook;
 * - `{ parameters }` alone adds parameters to the catalogue's mapping of that rule (e.g. a log bucket);
 * - `{ manual: "why" }` turns the rule into notify-only.
 */
export const remediationOverride = z
  .strictObject({
    runbook: documentName.optional(),
    resourceIdParameter: z.string().min(1).optional(),
    parameters: z.record(z.string().min(1), parameterValue).optional(),
    resourceTypes: z
      .array(z.string().regex(/^AWS::/, 'expected a Config resource type such as AWS::S3::Bucket'))
      .min(1)
      .optional(),
    manual: z.string().min(1).optional(),
  })
  .refine((entry) => !(entry.runbook && entry.manual), 'give either runbook or manual, not both')
  .refine((entry) => entry.runbook || entry.manual || entry.parameters, 'give runbook, manual, or parameters for the catalogue mapping');

export type RemediationOverride = z.infer<typeof remediationOverride>;
export type RemediationOverrides = Record<string, RemediationOverride>;

const overridesObject = z.record(z.string().min(1), remediationOverride);

/** WARDEN_REMEDIATIONS: a JSON object (or the object itself, from code), validated at load time. */
export const remediationOverrides = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((value, ctx): RemediationOverrides => {
    let json: unknown = value;
    if (typeof value === 'string') {
      try {
        json = JSON.parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `invalid JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
    }
    const parsed = overridesObject.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    ctx.addIssue({ code: 'custom', message: `${where}${issue?.message ?? 'invalid'}` });
    return z.NEVER;
  });
