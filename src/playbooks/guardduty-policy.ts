import type { GuardDutyFinding } from '../events';
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
  /**
   * The finding is about what runs on the instance (a file, a process), not a connection, so the
   * instance is the culprit whatever role or direction GuardDuty gives the network side.
   */
  hostEvidence?: boolean;
}

const { isolate, isolateWhenActor, notify } = RESPONSES;

export const GUARDDUTY_POLICY: readonly PolicyRule[] = [
  { match: 'Backdoor:EC2/', response: isolate, because: 'the instance behaves as if an attacker controls it' },
  {
    match: 'Backdoor:Runtime/',
    response: isolate,
    because: 'a process on the instance talks to a command-and-control server',
    hostEvidence: true,
  },
  { match: 'CryptoCurrency:EC2/', response: isolate, because: 'the instance talks to cryptocurrency-mining infrastructure' },
  { match: 'CryptoCurrency:Runtime/', response: isolate, because: 'a process on the instance mines cryptocurrency', hostEvidence: true },
  { match: 'Trojan:EC2/', response: isolate, because: 'the instance contacts hosts used by trojans' },
  { match: 'Trojan:Runtime/', response: isolate, because: 'a process on the instance contacts hosts used by trojans', hostEvidence: true },
  { match: 'Execution:EC2/MaliciousFile', response: isolate, because: 'malware was found on the instance', hostEvidence: true },
  { match: 'Execution:Runtime/', response: notify, because: 'a suspicious process ran on the instance; a person should judge it' },
  { match: 'UnauthorizedAccess:EC2/TorClient', response: isolate, because: 'the instance connects to the Tor network' },
  { match: 'UnauthorizedAccess:EC2/TorRelay', response: isolate, because: 'the instance relays Tor traffic' },
  { match: 'UnauthorizedAccess:EC2/MaliciousIPCaller', response: isolate, because: 'the instance talks to a known-malicious IP address' },
  { match: 'UnauthorizedAccess:EC2/SSHBruteForce', response: isolateWhenActor, because: 'SSH brute force' },
  { match: 'UnauthorizedAccess:EC2/RDPBruteForce', response: isolateWhenActor, because: 'RDP brute force' },
  {
    match: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration',
    response: isolate,
    because: "the instance's role credentials are used from somewhere else: they were taken from it",
    // GuardDuty calls the instance the TARGET of the theft, yet the credentials came out of it: it is the one to contain.
    hostEvidence: true,
  },
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

function longestMatch(findingType: string): PolicyRule {
  let best = DEFAULT_POLICY;
  for (const rule of GUARDDUTY_POLICY) {
    if (findingType.startsWith(rule.match) && (best === DEFAULT_POLICY || rule.match.length > best.match.length)) best = rule;
  }
  return best;
}

/**
 * The policy line for a finding type. A Runtime Monitoring finding with no line of its own is judged
 * as its EC2 equivalent (`CryptoCurrency:Runtime/BitcoinTool.B` as `CryptoCurrency:EC2/BitcoinTool.B`);
 * its evidence comes from the host's own processes, so it counts as the instance's doing.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/findings-runtime-monitoring.html
 */
export function policyFor(findingType: string): PolicyRule {
  const own = longestMatch(findingType);
  if (own !== DEFAULT_POLICY || !findingType.includes(':Runtime/')) return own;
  const equivalent = longestMatch(findingType.replace(':Runtime/', ':EC2/'));
  if (equivalent === DEFAULT_POLICY) return own;
  const response = equivalent.response === isolateWhenActor ? isolate : equivalent.response;
  return {
    ...equivalent,
    response,
    hostEvidence: true,
    because: `${equivalent.because} (Runtime Monitoring, judged as ${equivalent.match})`,
  };
}

/** What the finding says about the connection behind it, when it is about one. */
export interface Connection {
  /** GuardDuty's resourceRole: ACTOR (the instance did it) or TARGET (it was done to the instance). */
  role?: 'ACTOR' | 'TARGET';
  /** networkConnectionAction.connectionDirection: INBOUND, OUTBOUND, UNKNOWN. */
  direction?: string;
  remote?: string;
}

/** The connection a finding is about: GuardDuty's resource role and the connection's direction. */
export function connectionOf(finding: GuardDutyFinding): Connection {
  const action = (finding.service as { action?: { networkConnectionAction?: Record<string, unknown> } }).action;
  const connection = action?.networkConnectionAction;
  const remote = (connection?.remoteIpDetails as { ipAddressV4?: unknown } | undefined)?.ipAddressV4;
  return {
    role: finding.service.resourceRole,
    direction: typeof connection?.connectionDirection === 'string' ? connection.connectionDirection : undefined,
    remote: typeof remote === 'string' ? remote : undefined,
  };
}

export type Verdict = { response: 'isolate'; rule: PolicyRule } | { response: 'notify'; rule: PolicyRule; because: string };

/**
 * Whether a finding about an instance calls for quarantine. An inbound connection, or a finding
 * with the instance as TARGET, is something done to the instance: the victim is reported, never
 * quarantined, unless the finding rests on evidence from the host itself (malware, a process).
 */
export function decide(findingType: string, connection: Connection): Verdict {
  const rule = policyFor(findingType);
  const role = connection.role ?? 'unknown';
  if (rule.response === notify) return { response: 'notify', rule, because: `${rule.because} (policy ${rule.match})` };
  if (!rule.hostEvidence && connection.direction === 'INBOUND')
    return {
      response: 'notify',
      rule,
      because: `the connection came in${connection.remote ? ` from ${connection.remote}` : ''}: the instance is its target, not its source (policy ${rule.match})`,
    };
  if (!rule.hostEvidence && connection.role === 'TARGET')
    return { response: 'notify', rule, because: `${rule.because}, with the instance as TARGET, not ACTOR (policy ${rule.match})` };
  if (rule.response === isolateWhenActor && role !== 'ACTOR')
    return { response: 'notify', rule, because: `${rule.because} with the instance as ${role}, not ACTOR (policy ${rule.match})` };
  return { response: 'isolate', rule };
}
