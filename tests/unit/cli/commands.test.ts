import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/cli/report';
import { painter, wantsColour } from '../../../src/cli/style';
import { EVENTS_DIR, loadSample } from '../../fixtures';
import { runWarden, warden } from '../../support/cli';

describe('warden validate', () => {
  it('checks schemas only and names the path of each problem', async () => {
    // Prepare
    const finding = loadSample('guardduty', 'crypto-mining') as { detail: { severity: unknown } };
    finding.detail.severity = 'high';
    const broken = JSON.stringify(finding);
    // Act
    const { code, stdout } = await runWarden(['validate', join(EVENTS_DIR, 'guardduty', 'crypto-mining.json'), '-'], { stdin: broken });
    // Assess
    expect(code).toBe(1);
    const [valid, invalid] = stdout.trim().split('\n');
    expect(valid).toMatch(/^valid +.*crypto-mining\.json \(guardduty\)$/);
    expect(invalid).toMatch(/^INVALID +stdin: detail\.severity: .*expected number/);
  });

  it('exits 0 when every sample is valid', async () => {
    const { code, stdout } = await warden('validate', EVENTS_DIR);
    expect(code).toBe(0);
    expect(stdout).not.toContain('INVALID');
  });
});

describe('help and version', () => {
  it.each(['replay', 'release', 'patterns', 'validate'])('warden %s --help shows examples', async (command) => {
    const { code, stdout } = await warden(command, '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`Examples:\\n {2}\\$ warden ${command}`));
  });

  it('prints the version', async () => {
    const { code, stdout } = await warden('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^(\d+\.\d+\.\d+|dev)$/);
  });

  it('rejects an unknown command with exit code 2, and suggests the one meant', async () => {
    const { code, stderr } = await warden('replya', 'events');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'replya'\n(Did you mean replay?)");
  });
});

describe('colour', () => {
  it('only on a terminal, and never with NO_COLOR', () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });

  it('styles the decision when on, and leaves plain text otherwise', () => {
    const report = { file: 'f.json', trigger: 'guardduty' as const, decision: 'act' as const, reason: 'r', steps: [] };
    expect(renderReport(report, painter(true))).toContain('\u001b[31mACT');
    expect(renderReport(report, painter(false))).not.toContain('\u001b[');
  });
});
