import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSample } from '../fixtures';
import { matchesMetricFilter, parseMetricFilter } from '../support/metric-filter';

// The optional CIS path (deploy parameter cisLogGroup): CloudTrail -> CloudWatch Logs metric filters and
// alarms, beside the EventBridge rules. One packaged template holds both states: its resources are
// conditional on the parameter, so cfn-lint checks them whether the option is on or off.
const TEMPLATE = join(import.meta.dirname, '..', '..', '.serverless', 'cloudformation-template-update-stack.json');
if (!existsSync(TEMPLATE)) throw new Error(`${TEMPLATE} is missing: run \`npm run package\` first (npm test does)`);

type Resource = { Type: string; Condition?: string; Properties: Record<string, unknown> };
const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as {
  Parameters: Record<string, { Default?: string }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
};
const cis = Object.entries(template.Resources).filter(([id]) => /^Cis[A-Za-z0-9]+(Filter|Alarm)$/.test(id));
const filters = cis.filter(([, resource]) => resource.Type === 'AWS::Logs::MetricFilter');
const alarms = cis.filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');
const metricOf = (filter: Resource) =>
  (filter.Properties.MetricTransformations as { MetricNamespace: string; MetricName: string }[])[0] ?? {
    MetricNamespace: '',
    MetricName: '',
  };
const patternOf = (name: string) => {
  const filter = template.Resources[`Cis${name}Filter`];
  if (!filter) throw new Error(`no filter Cis${name}Filter`);
  return filter.Properties.FilterPattern as string;
};
const record = (name: string) => loadSample('cloudtrail', name).detail;
const PUBLIC_CIS_RECORDS = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'public', 'cis-events.json'), 'utf8')) as {
    Records: { eventName: string; errorMessage?: string }[];
  }
).Records;
const publicRecord = (eventName: string, failed = false) =>
  PUBLIC_CIS_RECORDS.find((r) => r.eventName === eventName && Boolean(r.errorMessage) === failed);

describe('the CIS metric filters deploy option', () => {
  it('is off by default and on when a log group is named', () => {
    expect(template.Parameters.CisLogGroup?.Default).toBe('');
    expect(template.Conditions.HasCisLogGroup).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CisLogGroup' }, ''] }] });
    for (const [id, resource] of cis) expect(resource.Condition, id).toBe('HasCisLogGroup');
  });

  it('puts the fourteen CIS filters on the named log group, each with an alarm to the alarms topic', () => {
    expect(filters).toHaveLength(14);
    expect(alarms).toHaveLength(14);
    for (const [id, filter] of filters) {
      expect(filter.Properties.LogGroupName, id).toEqual({ Ref: 'CisLogGroup' });
      const metric = metricOf(filter);
      const alarm = alarms.find(
        ([, a]) => a.Properties.Namespace === metric.MetricNamespace && a.Properties.MetricName === metric.MetricName,
      );
      expect(alarm, `${id} has an alarm`).toBeDefined();
      expect(alarm?.[1].Properties).toMatchObject({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmsTopic' }],
      });
    }
  });

  it('writes every pattern in the metric filter syntax', () => {
    for (const [id, filter] of filters) expect(() => parseMetricFilter(filter.Properties.FilterPattern as string), id).not.toThrow();
  });

  // Prepare: the records each filter must count, and ones it must not (the CloudTrail record as the trail
  // writes it to CloudWatch Logs is the `detail` of the EventBridge event).
  it.each([
    [
      'RootUsage',
      ['root-signin-mfa', 'root-signin-no-mfa', 'root-api-call', 'iam-create-access-key-root'],
      ['iam-user-signin', 'cloudtrail-stop-logging'],
    ],
    ['UnauthorizedApiCalls', ['access-denied-stop-logging'], ['cloudtrail-stop-logging']],
    [
      'CloudTrailChanges',
      ['cloudtrail-stop-logging', 'cloudtrail-delete-trail', 'cloudtrail-log-validation-off'],
      ['cloudtrail-put-event-selectors'],
    ],
    ['ConsoleAuthenticationFailures', ['root-signin-failed'], ['root-signin-mfa']],
    ['KmsKeyDisabledOrDeleted', ['kms-disable-key', 'kms-schedule-key-deletion'], ['kms-put-key-policy']],
    ['ConfigChanges', ['config-stop-recorder', 'config-delete-delivery-channel'], ['guardduty-delete-detector']],
    ['SecurityGroupChanges', ['sg-open-ssh-world', 'sg-egress-rule-added'], ['ec2-exclusion-tag-written']],
  ])('%s counts its records and no others', (name, matching, other) => {
    // Act / Assess
    for (const sample of matching) expect(matchesMetricFilter(patternOf(name), record(sample)), sample).toBe(true);
    for (const sample of other) expect(matchesMetricFilter(patternOf(name), record(sample)), sample).toBe(false);
  });

  it('counts the public CIS records as the controls intend', () => {
    expect(matchesMetricFilter(patternOf('ConsoleSignInWithoutMfa'), publicRecord('ConsoleLogin'))).toBe(true);
    expect(matchesMetricFilter(patternOf('ConsoleSignInWithoutMfa'), publicRecord('ConsoleLogin', true))).toBe(false);
    expect(matchesMetricFilter(patternOf('ConsoleAuthenticationFailures'), publicRecord('ConsoleLogin', true))).toBe(true);
    expect(matchesMetricFilter(patternOf('IamPolicyChanges'), publicRecord('PutRolePolicy'))).toBe(true);
    expect(matchesMetricFilter(patternOf('IamPolicyChanges'), publicRecord('DeleteFlowLogs'))).toBe(false);
  });
});
