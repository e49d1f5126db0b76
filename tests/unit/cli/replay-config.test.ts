import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTOMATION_ROLE_ARN, EVENTS_DIR } from '../../fixtures';
import { warden } from '../../support/cli';

describe('warden replay events/config', () => {
  it('shows the runbook and its parameters for each sample that acts', async () => {
    // Act
    const { code, stdout } = await warden('replay', join(EVENTS_DIR, 'config'), '--json', '--automation-role-arn', AUTOMATION_ROLE_ARN);
    // Assess
    expect(code).toBe(0);
    const reports: { file: string; decision: string; steps: { operation: string; input: Record<string, unknown> }[] }[] =
      JSON.parse(stdout);
    const started = Object.fromEntries(
      reports.flatMap((report) => {
        const start = report.steps.find((step) => step.operation === 'StartAutomationExecution');
        return start ? [[report.file.split('/').pop(), [start.input.DocumentName, start.input.Parameters]]] : [];
      }),
    );
    expect(started['restricted-ssh.json']).toEqual([
      'AWS-DisableIncomingSSHOnPort22',
      { SecurityGroupIds: ['sg-0c9d8e7f6a5b40312'], AutomationAssumeRole: ['arn:aws:iam::111122223333:role/warden-runbooks-ec2'] },
    ]);
    // A conformance pack's rule: the runbook is chosen by its SourceIdentifier when the plan runs, among these.
    const pack = reports.find((r) => r.file.endsWith('conformance-pack-prefixed.json'));
    const candidates = pack?.steps.find((step) => step.operation === 'StartAutomationExecution')?.input.Runbooks;
    expect((candidates as Record<string, { DocumentName: string }>).S3_BUCKET_VERSIONING_ENABLED?.DocumentName).toBe(
      'AWS-ConfigureS3BucketVersioning',
    );
    expect(reports.find((r) => r.file.endsWith('other-account.json'))?.decision).toBe('notify');
    expect(reports.find((r) => r.file.endsWith('compliant.json'))?.decision).toBe('ignore');
  });

  it('takes WARDEN_WAIT_FOR_AUTOMATION as a flag', async () => {
    const { stdout } = await warden('replay', join(EVENTS_DIR, 'config', 'restricted-ssh.json'), '--json', '--wait-for-automation');
    expect(JSON.parse(stdout)[0].steps.map((s: { operation: string }) => s.operation)).toContain('GetAutomationExecution');
  });
});
