import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE_PAGE, withCatalogueTable } from '../remediations/table';
import { loadGrants } from './grants';
import { iamResources } from './iam';
import { memberAccountTemplate, memberPermissionsByTrigger } from './member';
import { permissionsByTrigger, samplePlans } from './permissions';

/**
 * Files derived from the code, by path relative to the project root, with the content they must have.
 * `npm run generate` writes them; a test fails when one is stale.
 */
export function generatedFiles(root: string): Record<string, string> {
  const catalogue = readFileSync(join(root, CATALOGUE_PAGE), 'utf8');
  const memberTriggers = Object.keys(memberPermissionsByTrigger(join(root, 'events')));
  const iam = iamResources(permissionsByTrigger(samplePlans(join(root, 'events'))), memberTriggers, loadGrants(root));
  return {
    [CATALOGUE_PAGE]: withCatalogueTable(catalogue),
    'deploy/iam.json': `${JSON.stringify(iam, null, 2)}\n`,
    'deploy/member-account.json': `${JSON.stringify(memberAccountTemplate(root), null, 2)}\n`,
  };
}
