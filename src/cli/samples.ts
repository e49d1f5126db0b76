import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project's sample events: found upwards from here, so it works from src/, dist/ or bench bundles alike. */
export function samplesDirectory(from = import.meta.dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'events', 'guardduty'))) return join(dir, 'events');
  return join(from, 'events');
}
