import * as z from '../validation/zod';

/** SSM document names: letters, digits, `_`, `-`, `.`; shared documents may be given by ARN. */
const documentName = z
  .string()
  .check(z.regex(/^(arn:aws[a-z-]*:ssm:[^\s]+|[a-zA-Z0-9_.-]{3,128})$/, 'expected an SSM document name or ARN'));
const parameterValue = z.union([z.string(), z.array(z.string())]);

/**
 * One WARDEN_REMEDIATIONS entry, keyed by Config rule name (matched like the catalogue's names).
 * - `{ runbook, resourceIdParameter?, parameters?, resourceTypes? }` maps the rule to a runbook;
 * - `{ parameters }` alone adds parameters to the catalogue's mapping of that rule (e.g. a log bucket);
 * - `{ manual: "why" }` turns the rule into notify-only.
 */
export const remediationOverride = z
  .strictObject({
    runbook: z.optional(documentName),
    resourceIdParameter: z.optional(z.string().check(z.minLength(1))),
    parameters: z.optional(z.record(z.string().check(z.minLength(1)), parameterValue)),
    resourceTypes: z.optional(
      z.array(z.string().check(z.regex(/^AWS::/, 'expected a Config resource type such as AWS::S3::Bucket'))).check(z.minLength(1)),
    ),
    manual: z.optional(z.string().check(z.minLength(1))),
  })
  .check(
    z.refine((entry) => !(entry.runbook && entry.manual), 'give either runbook or manual, not both'),
    z.refine(
      (entry) => Boolean(entry.runbook || entry.manual || entry.parameters),
      'give runbook, manual, or parameters for the catalogue mapping',
    ),
  );

export type RemediationOverride = z.infer<typeof remediationOverride>;
export type RemediationOverrides = Record<string, RemediationOverride>;

const overridesObject = z.record(z.string().check(z.minLength(1)), remediationOverride);

/** WARDEN_REMEDIATIONS: a JSON object (or the object itself, from code), validated at load time. */
export const remediationOverrides = z.pipe(
  z.union([z.string(), z.record(z.string(), z.unknown())]),
  z.transform((value, ctx): RemediationOverrides => {
    let json: unknown = value;
    if (typeof value === 'string') {
      try {
        json = JSON.parse(value);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: `invalid JSON: ${(error as Error).message}`, input: value });
        return z.NEVER;
      }
    }
    const parsed = overridesObject.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
    ctx.issues.push({ code: 'custom', message: `${where}${issue?.message ?? 'invalid'}`, input: value });
    return z.NEVER;
  }),
);
