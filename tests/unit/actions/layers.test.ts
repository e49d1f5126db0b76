import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Playbooks decide, actions execute: an action never imports a playbook. What both need (tag keys,
// group roles, record keys) lives in src/quarantine.ts.

const ACTIONS_DIR = join(import.meta.dirname, '..', '..', '..', 'src', 'actions');

describe('layers', () => {
  it.each(readdirSync(ACTIONS_DIR).filter((file) => file.endsWith('.ts')))('src/actions/%s imports no playbook', (file) => {
    const imports = [...readFileSync(join(ACTIONS_DIR, file), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports.filter((path) => path?.includes('playbooks'))).toEqual([]);
  });
});
