// npm run demo:emulator: see scripts/emulator-story.ts.
import { runTypeScript } from './run-ts.js';

const { runEmulatorDemo } = await runTypeScript('scripts/emulator-story.ts', 'emulator-story');
await runEmulatorDemo();
