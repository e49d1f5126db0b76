import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { RecordsTable } from './records';
import { defineAction } from './types';

// Guards that need AWS state. Each runs beside the inspection; a guard that says no returns
// `skipped`, and every change of the plan, which waits for it, is skipped with it.

/** Said by every guard that holds isolation back: anyone who can shape its input may have set it. */
export const GUARD_CAVEAT =
  'this guard may have been set off by someone else (an attacker can cause it too); evidence is still taken, a person must decide now';

/**
 * Circuit breaker: counts the quarantines Warden recorded in the last window (the records table, which
 * only Warden's role writes, timed by Warden's own clock): tags and future timestamps count nothing.
 * Past the limit, nothing is isolated and the notification says why. Parallel invocations may each
 * pass with the last free place: reserved concurrency bounds that overshoot.
 */
export const checkIsolationBudget = defineAction<{
  TableName: string;
  Partition: string;
  Limit: number;
  WindowMinutes: number;
  InstanceId: string;
  /** Instances of the same plan (an attack sequence) contained before this one: they count too. */
  Ahead?: string[];
}>({
  service: 'dynamodb',
  runsIn: 'home',
  operation: 'Query',
  readOnly: true,
  permissions: () => ['dynamodb:Query'],
  async run({ TableName, Partition, Limit, WindowMinutes, InstanceId, Ahead = [] }, context) {
    const now = context.now();
    const since = new Date(now.getTime() - WindowMinutes * 60_000).toISOString();
    const items = await RecordsTable.of(context, TableName).query(Partition, { from: since, to: `${now.toISOString()}~` });
    // This instance's own quarantine (a repeat delivery) does not count against it.
    const instances = new Set([...items.map((item) => String(item.sk).split('#')[1]), ...Ahead].filter((id) => id !== InstanceId));
    const recent = instances.size;
    if (recent >= Limit)
      return {
        status: 'skipped',
        detail: `circuit breaker open: Warden quarantined ${recent} instance(s) in the last ${WindowMinutes} minutes, the limit is ${Limit} (WARDEN_MAX_ISOLATIONS_PER_HOUR); not isolated; ${GUARD_CAVEAT}`,
      };
    return { status: 'done', detail: `${recent} of ${Limit} isolation(s) used in the last ${WindowMinutes} minutes` };
  },
});

const healthy = (target: TargetHealthDescription) => target.TargetHealth?.State === 'healthy';

/**
 * Refuses to isolate the only healthy target of an ELBv2 target group (an outage is worse than a
 * person deciding). Lists the target groups of the instance's VPCs, then reads their health in parallel.
 */
export const checkSoleLoadBalancerTarget = defineAction<{ InstanceId: string; VpcIds: string[] }>({
  service: 'elbv2',
  operation: 'DescribeTargetHealth',
  readOnly: true,
  permissions: () => ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
  async run({ InstanceId, VpcIds }, context) {
    const elbv2 = context.clients.of(ElasticLoadBalancingV2Client);
    const groups: TargetGroup[] = [];
    let Marker: string | undefined;
    do {
      const page = await elbv2.send(new DescribeTargetGroupsCommand({ Marker, PageSize: 400 }));
      groups.push(...(page.TargetGroups ?? []).filter((group) => group.TargetType === 'instance' && VpcIds.includes(group.VpcId ?? '')));
      Marker = page.NextMarker;
    } while (Marker);
    const health = await Promise.all(
      groups.map(async (group) => ({
        group,
        targets:
          (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }))).TargetHealthDescriptions ?? [],
      })),
    );
    const soleIn = health
      .filter(({ targets }) => {
        const healthyTargets = targets.filter(healthy);
        return healthyTargets.length === 1 && healthyTargets[0]?.Target?.Id === InstanceId;
      })
      .map(({ group }) => group.TargetGroupName ?? group.TargetGroupArn);
    if (soleIn.length > 0)
      return {
        status: 'skipped',
        detail: `the instance is the only healthy target of ${soleIn.join(', ')}: not isolated (WARDEN_ISOLATE_SOLE_LB_TARGET=true isolates anyway); ${GUARD_CAVEAT}`,
      };
    const member = health.filter(({ targets }) => targets.some((target) => target.Target?.Id === InstanceId)).length;
    return { status: 'done', detail: `target of ${member} group(s), never the only healthy one` };
  },
});
