import { describe, expect, it } from 'vitest';
import { startMoto } from '../../emulator';

// The end-to-end suite must fail, and say how to fix it, on a machine without the emulator; never skip.

describe('the moto fixture', () => {
  it('fails with the install command when python cannot be found', async () => {
    await expect(startMoto(['/nonexistent/python3', '-m', 'moto.server'])).rejects.toThrow(/pip install "moto\[server\]"/);
  });

  it('fails with the install command when the moto module is missing', async () => {
    await expect(startMoto(['python3', '-m', 'warden_no_such_module'])).rejects.toThrow(
      /exited with code 1.*\n.*pip install "moto\[server\]"/s,
    );
  });
});
