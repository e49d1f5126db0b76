import { describe, expect, it } from 'vitest';
import { decide, policyFor } from '../../../src/playbooks/guardduty-policy';

describe('GuardDuty policy', () => {
  it.each([
    ['UnauthorizedAccess:Runtime/TorClient', 'isolate', 'UnauthorizedAccess:EC2/TorClient'],
    ['Backdoor:Runtime/C&CActivity.B!DNS', 'isolate', 'Backdoor:Runtime/'],
    ['Execution:Runtime/NewBinaryExecuted', 'notify', 'Execution:Runtime/'],
    ['PrivilegeEscalation:Runtime/DockerSocketAccessed', 'notify', '*'],
  ])('judges the Runtime finding %s: %s (line %s)', (type, response, match) => {
    const rule = policyFor(type);
    expect([rule.response, rule.match]).toEqual([response, match]);
  });

  it('isolates a Runtime finding judged by its EC2 equivalent even with no resource role', () => {
    expect(decide('Impact:Runtime/BitcoinDomainRequest.Reputation', {}).response).toBe('isolate');
  });

  it('never quarantines the target of an inbound connection or a TARGET instance, unless the evidence is on the host', () => {
    expect(decide('UnauthorizedAccess:EC2/MaliciousIPCaller.Custom', { direction: 'INBOUND', remote: '203.0.113.5' })).toMatchObject({
      response: 'notify',
      because: expect.stringMatching(/came in from 203\.0\.113\.5: the instance is its target/),
    });
    expect(decide('Backdoor:EC2/C&CActivity.B', { role: 'TARGET' }).response).toBe('notify');
    expect(decide('Backdoor:EC2/C&CActivity.B', { role: 'ACTOR', direction: 'OUTBOUND' }).response).toBe('isolate');
    expect(decide('Execution:EC2/MaliciousFile', { role: 'TARGET' }).response).toBe('isolate');
    expect(decide('UnauthorizedAccess:EC2/SSHBruteForce', {}).response).toBe('notify');
  });
});
