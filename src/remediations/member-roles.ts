/**
 * The roles a member account's stack creates for the runbooks Warden starts there, one per runbook
 * family: `<member role>-runbooks-<family>` (deploy/member-account.json). Kept apart from the catalogue
 * so settings can check the member role's name without loading it.
 */
export const MEMBER_RUNBOOKS_INFIX = '-runbooks-';

/**
 * IAM role names are at most 64 characters: the member role's name leaves room for the longest family
 * role's suffix (`-runbooks-securityhub`). A test derives it from the catalogue's families.
 */
export const MEMBER_ROLE_NAME_MAX = 43;
