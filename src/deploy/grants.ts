import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../validation/zod';

/**
 * Declared grants (deploy/grants.json): the IAM a runbook of your own needs, written by you and
 * merged by `npm run generate` into the stack's roles, so deploy/iam.json is never edited by hand.
 * Each entry names one runbook (mapped with WARDEN_REMEDIATIONS) and the statements its automation
 * role needs; the config function may then start that runbook, and nothing else is widened.
 */
export const GRANTS_FILE = 'deploy/grants.json';

/** `${AWS::AccountId}`, `${AWS::Region}` and `${AWS::Partition}` are filled in by CloudFormation. */
const PLACEHOLDERS = /\$\{(?!AWS::(AccountId|Region|Partition)\})[^}]*\}/;

const resource = z.string().check(
  z.regex(/^(\*|arn:(aws[a-z-]*|\$\{AWS::Partition\}):[^\s]+)$/, 'expected an ARN (arn:aws:s3:::acme-logs/*) or *'),
  z.refine((value) => !PLACEHOLDERS.test(value), 'only ${AWS::AccountId}, ${AWS::Region} and ${AWS::Partition} may be substituted'),
);

/** A read is the only action `*` may be granted on: the same rule as Warden's own roles (src/deploy/iam.ts). */
const isRead = (action: string) => /^[a-z0-9-]+:(Describe|Get|List|BatchGet)/.test(action);

const statement = z
  .strictObject({
    /** Exact IAM actions, `service:Action`: a wildcard would grant calls no one reviewed. */
    actions: z
      .array(
        z.string().check(z.regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, 'expected an exact IAM action such as s3:PutBucketVersioning, no wildcard')),
      )
      .check(z.minLength(1)),
    resources: z.array(resource).check(z.minLength(1)),
    condition: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
  })
  .check(
    z.refine(
      (entry) => !entry.resources.includes('*') || entry.actions.every(isRead),
      'Resource "*" is for reads (Describe, Get, List) only: name the resources the other actions change',
    ),
  );

const runbookGrant = z.strictObject({
  /** The runbook: an SSM Automation document of this account (its name) or shared with it (its ARN). */
  runbook: z
    .string()
    .check(
      z.regex(
        /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/[a-zA-Z0-9_.-]{3,128}|[a-zA-Z0-9_.-]{3,128})$/,
        'expected an SSM document name or its ARN',
      ),
    ),
  /** Why it needs these permissions, for the reviewer of the file. */
  why: z.optional(z.string()),
  statements: z.array(statement).check(z.minLength(1)),
});

const grantsFile = z.strictObject({
  $comment: z.optional(z.string()),
  runbooks: z.array(runbookGrant),
});

export type Grants = z.infer<typeof grantsFile>;
export const NO_GRANTS: Grants = { runbooks: [] };

/** Thrown for a grants file that cannot be used, naming the file and the entry at fault. */
export class GrantsError extends Error {
  override name = 'GrantsError';
}

/** Validates a grants file's content; a problem is named by its path (`runbooks.0.statements.0.actions.1`). */
export function parseGrants(json: unknown, file = GRANTS_FILE): Grants {
  const parsed = grantsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
    throw new GrantsError(`${file}: ${where}${issue?.message ?? 'invalid'}`);
  }
  const names = parsed.data.runbooks.map((grant) => grant.runbook);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new GrantsError(`${file}: ${twice} is declared twice; put all its statements in one entry`);
  return parsed.data;
}

/** deploy/grants.json under `root`; no file declares nothing. */
export function loadGrants(root: string): Grants {
  let text: string;
  try {
    text = readFileSync(join(root, GRANTS_FILE), 'utf8');
  } catch {
    return NO_GRANTS;
  }
  try {
    return parseGrants(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new GrantsError(`${GRANTS_FILE}: invalid JSON: ${error.message}`);
    throw error;
  }
}

const cfn = (value: string) => (value.includes('${') ? { 'Fn::Sub': value } : value);
const sidOf = (runbook: string, index: number) =>
  `Runbook${(runbook.split('/').at(-1) ?? runbook).replace(/[^A-Za-z0-9]/g, '')}${index === 0 ? '' : index + 1}`;

/** The automation role's extra statements: one per declared statement, its Sid naming the runbook. */
export function grantStatements(grants: Grants) {
  return grants.runbooks.flatMap(({ runbook, statements }) =>
    statements.map(({ actions, resources, condition }, index) => ({
      Sid: sidOf(runbook, index),
      Effect: 'Allow' as const,
      Action: [...actions],
      Resource: resources.map(cfn),
      ...(condition ? { Condition: condition } : {}),
    })),
  );
}

/** The automation definitions the config function may start besides the catalogue's: the declared runbooks. */
export function declaredRunbookArns(grants: Grants) {
  return grants.runbooks.map(({ runbook }) =>
    runbook.startsWith('arn:')
      ? runbook.replace(':document/', ':automation-definition/').concat(':*')
      : { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/${runbook}:*` },
  );
}

/** Every action the declared grants add to the automation role. */
export const grantedActions = (grants: Grants) => [
  ...new Set(grants.runbooks.flatMap(({ statements }) => statements.flatMap(({ actions }) => actions))),
];
