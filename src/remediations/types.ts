/** A runbook parameter value as written in the catalogue; SSM takes every value as a list of strings. */
export type ParameterValue = string | string[];

/** One parameter of an Automation runbook, as the runbook reference documents it. */
export interface RunbookParameter {
  type: 'String' | 'StringList' | 'Boolean' | 'Integer' | 'MapList' | 'StringMap' | 'AWS::IAM::Role::Arn' | 'AWS::EC2::Instance::Id';
  required: boolean;
  default?: string | number | boolean | string[];
  /** Values the runbook accepts, when it lists them. */
  allowed?: string[];
}

/** An AWS-owned Automation runbook: its parameters and the IAM actions its role needs, with where they come from. */
export interface Runbook {
  name: string;
  /** The AWS Systems Manager Automation runbook reference page the data was taken from. */
  source: string;
  summary: string;
  parameters: Record<string, RunbookParameter>;
  /** "Required IAM permissions" of the runbook: what the automation role needs. Empty when the reference lists none. */
  permissions: string[];
  /** Set when the runbook reference lists no IAM permissions: what a deployment must do instead. */
  permissionsNote?: string;
  /** Set when the reference lists none and `permissions` were derived from the API calls of the runbook's steps. */
  permissionsFrom?: string;
  /** Which text of the reference the parameters were checked against (pages change). */
  checked: string;
}

interface CatalogueEntryBase {
  /** The managed rule's name as AWS publishes it, e.g. `restricted-ssh`. Prefixed and suffixed names match too. */
  rule: string;
  /** The managed rule's source identifier, e.g. `INCOMING_SSH_DISABLED`. */
  identifier: string;
  /** Config resource types the rule evaluates and the mapping applies to. */
  resourceTypes: string[];
}

/** A managed rule fixed by starting a runbook. */
export interface RunbookRemediation extends CatalogueEntryBase {
  runbook: string;
  /** The runbook parameter that takes the event's `resourceId`; absent for account-level rules. */
  resourceIdParameter?: string;
  /** Fixed parameters (besides the resource id and AutomationAssumeRole). */
  parameters?: Record<string, ParameterValue>;
  /** Required runbook parameters no event can provide: they must come from WARDEN_REMEDIATIONS. */
  needs?: string[];
}

/** A managed rule no runbook can fix safely: people are told why. */
export interface ManualRemediation extends CatalogueEntryBase {
  manual: string;
}

export type CatalogueEntry = RunbookRemediation | ManualRemediation;

export const isManual = (entry: CatalogueEntry): entry is ManualRemediation => 'manual' in entry;
