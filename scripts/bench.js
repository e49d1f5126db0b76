// npm run bench: see bench/run.ts.
import { runTypeScript } from './run-ts.js';

await runTypeScript('bench/run.ts', 'bench');
