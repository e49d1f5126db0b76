import { describe, expect, it } from 'vitest';
import { planEvent } from '../../src/respond';
import { loadSample, settingsWith } from '../fixtures';

// Point 12: Warden never alerts on its own opening and closing of its allow-all group, and that
// exemption cannot be borrowed: it holds only for calls made as Warden's function role, which only
// Lambda can assume.

const WARDEN_ROLE = 'arn:aws:iam::111122223333:role/warden-prod-GuarddutyFunctionRole-1A2B3C';

function openedBy(roleArn: string) {
  const event = structuredClone(loadSample('cloudtrail', 'sg-open-ssh-world')) as { detail: { userIdentity: Record<string, unknown> } };
  event.detail.userIdentity = {
    type: 'AssumedRole',
    arn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/warden-prod-guardduty`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, userName: roleArn.split('/').at(-1) } },
  };
  return event;
}

describe('point 12: Warden’s own groups', () => {
  it('its GuardDuty function role opening the allow-all group is not alerted', () => {
    const planned = planEvent(openedBy(WARDEN_ROLE), settingsWith({ WARDEN_OWN_ROLE_ARNS: WARDEN_ROLE }));
    expect(planned).toMatchObject({ ok: true, plan: { decision: 'ignore', reason: expect.stringMatching(/Warden's own role/) } });
  });

  it.each([
    ['a role named like Warden’s', 'arn:aws:iam::111122223333:role/warden-prod-GuarddutyFunctionRole-EVIL'],
    ['a role of another account with the same name', WARDEN_ROLE.replace('111122223333', '444455556666')],
  ])('%s opening a group to the world is alerted', (_name, roleArn) => {
    const planned = planEvent(openedBy(roleArn), settingsWith({ WARDEN_OWN_ROLE_ARNS: WARDEN_ROLE }));
    expect(planned).toMatchObject({ ok: true, plan: { decision: 'notify' } });
  });
});
