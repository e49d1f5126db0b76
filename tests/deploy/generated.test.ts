import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generatedFiles } from '../../src/deploy/generated';

const ROOT = join(import.meta.dirname, '..', '..');

it('deploy/iam.json is what the code derives (run `npm run generate` after changing an action or a sample)', () => {
  // Prepare
  const expected = generatedFiles(ROOT)['deploy/iam.json'] as string;
  // Act
  const actual = readFileSync(join(ROOT, 'deploy', 'iam.json'), 'utf8');
  // Assess: compared as data, since the formatter lays the JSON out its own way.
  expect(JSON.parse(actual)).toEqual(JSON.parse(expected));
});
