/**
 * Which GuardDuty findings about an EC2 instance warrant quarantine. A row matches a finding type
 * by prefix (`Backdoor:EC2/` matches `Backdoor:EC2/C&CActivity.B!DNS`); the longest matching
 * prefix wins, so specific rows override family rows wherever they appear in the table.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/findings-runtime-monitoring.html
 */
export const RESPONSES = {
  /** The instance itself is compromised: contain it. */
  isolate: 'isolate',
  /** Contain only when GuardDuty says the instance is the ACTOR (it attacks others). */
  isolateWhenActor: 'isolate-when-actor',
  /** Tell people; a person decides. */
  notify: 'notify',
} as const;
export type Response = (typeof RESPONSES)[keyof typeof RESPONSES];

export interface PolicyRule {
  match: string;
  response: Response;
  because: string;
}

const { isolate, isolateWhenActor, notify } = RESPONSES;

export const GUARDDUTY_POLICY: readonly PolicyRule[] = [
  { match: 'Backdoor:EC2/', response: isolate, because: 'the instance behaves as if an attacker controls it' },
  { match: 'Backdoor:Runtime/', response: isolate, because: 'a process on the instance talks to a command-and-control server' },
  { match: 'CryptoCurrency:EC2/', response: isolate, because: 'the instance talks to cryptocurrency-mining infrastructure' },
  { match: 'CryptoCurrency:Runtime/', response: isolate, because: 'a process on the instance mines cryptocurrency' },
  { match: 'Trojan:EC2/', response: isolate, because: 'the instance contacts hosts used by trojans' },
  { match: 'Trojan:Runtime/', response: isolate, because: 'a process on the instance contacts hosts used by trojans' },
  { match: 'Execution:EC2/MaliciousFile', response: isolate, because: 'malware was found on the instance' },
  { match: 'Execution:Runtime/', response: isolateWhenActor, because: 'a suspicious process ran on the instance' },
  { match: 'UnauthorizedAccess:EC2/TorClient', response: isolate, because: 'the instance connects to the Tor network' },
  { match: 'UnauthorizedAccess:EC2/TorRelay', response: isolate, because: 'the instance relays Tor traffic' },
  { match: 'UnauthorizedAccess:EC2/MaliciousIPCaller', response: isolate, because: 'the instance talks to a known-malicious IP address' },
  { match: 'UnauthorizedAccess:EC2/SSHBruteForce', response: isolateWhenActor, because: 'SSH brute force' },
  { match: 'UnauthorizedAccess:EC2/RDPBruteForce', response: isolateWhenActor, because: 'RDP brute force' },
  { match: 'UnauthorizedAccess:EC2/', response: notify, because: 'unusual access to the instance; a person should judge it' },
  { match: 'Recon:EC2/Portscan', response: isolate, because: 'the instance port-scans other hosts' },
  { match: 'Recon:EC2/PortProbe', response: notify, because: 'an exposed port of the instance is being probed' },
  { match: 'Impact:EC2/BitcoinDomainRequest', response: isolate, because: 'the instance resolves cryptocurrency domains' },
  { match: 'Impact:EC2/MaliciousDomainRequest', response: isolate, because: 'the instance resolves known-malicious domains' },
  { match: 'Impact:EC2/PortSweep', response: isolate, because: 'the instance sweeps ports of other hosts' },
  { match: 'Impact:EC2/WinRMBruteForce', response: isolateWhenActor, because: 'WinRM brute force' },
  { match: 'Impact:EC2/', response: notify, because: 'the instance queried suspicious domains; a person should judge it' },
];

/** Findings no row covers are reported, never acted on. */
export const DEFAULT_POLICY: PolicyRule = {
  match: '*',
  response: notify,
  because: 'no policy line covers this finding type; a person should judge it',
};

export function policyFor(findingType: string): PolicyRule {
  let best = DEFAULT_POLICY;
  for (const rule of GUARDDUTY_POLICY) {
    if (findingType.startsWith(rule.match) && (best === DEFAULT_POLICY || rule.match.length > best.match.length)) best = rule;
  }
  return best;
}
