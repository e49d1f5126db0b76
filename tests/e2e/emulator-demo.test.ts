import { beforeEach, describe, expect, it } from 'vitest';
import { emulatorDemo } from '../../scripts/emulator-story';
import { endpoint, resetAccount } from './support';

// `npm run demo:emulator` is how the README shows a new user the whole response: what it tells must stay true.

beforeEach(() => resetAccount());

describe('npm run demo:emulator', () => {
  it('contains the instance, shows the account read back, changes nothing on a repeat, and releases', async () => {
    // Act
    let told = '';
    await emulatorDemo(endpoint(), (text) => {
      told += text;
    });
    // Assess
    const [before = '', contained = '', readBack = '', repeated = '', released = ''] = told.split(/\n\d\. /).slice(1);
    const onAppGroups = /^ {2}eni-\w+: sg-\w+ \((web-tier|monitoring)\), sg-\w+ \((web-tier|monitoring)\)$/m;
    expect(before).toMatch(onAppGroups);
    expect(contained).not.toMatch(/=> (FAILED|SKIPPED)/);
    expect(readBack).toMatch(/^ {2}eni-\w+: sg-\w+ \(warden-quarantine-vpc-\w+-\w+\)$/m);
    expect(readBack).not.toMatch(/\(web-tier\)|\(monitoring\)/);
    expect(readBack).toContain('termination protection: on');
    expect(readBack).toContain('evidence snapshots: 2');
    expect(readBack).toMatch(/messages on the alerts topic: 1\n {4}\[Warden\] CONTAINED: GuardDuty CryptoCurrency/);
    expect(repeated).not.toMatch(/=> DONE: (created|tagged|snapshots)/);
    expect(repeated).toContain('=> SKIPPED: contained and already notified for this finding; no second notification');
    expect(released).toMatch(onAppGroups);
    expect(released).toContain('tags: none of Warden’s');
    expect(released).toContain('messages on the alerts topic: 1\n');
    // The whole story is some twenty emulator calls per step: give a loaded machine room.
  }, 30_000);
});
