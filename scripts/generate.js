// Rewrites the files derived from the code (src/deploy/generated.ts): the remediation catalogue
// table of docs/remediations.md and the stack's IAM roles (deploy/iam.json).
import { writeFileSync } from 'node:fs';
import { runTypeScript } from './run-ts.js';

const root = new URL('..', import.meta.url);
const { generatedFiles } = await runTypeScript('src/deploy/generated.ts', 'generate');
for (const [path, content] of Object.entries(generatedFiles(root.pathname))) writeFileSync(new URL(path, root), content);
