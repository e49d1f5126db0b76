import { describe, expect, it } from 'vitest';
import { ec2Bucket, simulateBurst } from '../../bench/burst';

// The burst of `npm run bench`, small: what must hold whatever the timing. Its figures are the bench's, not a test's.
describe('Bench: a burst of findings on a simulated clock', () => {
  it.each(['per-api', 'shared'] as const)(
    'contains every instance once, snapshots every volume once and isolates each before its evidence (%s throttling)',
    async (throttling) => {
      // Act
      const result = await simulateBurst({ findings: 30, throttling });
      // Assess
      expect(result.checks).toEqual({ nothingLost: true, nothingTwice: true, everyVolumeSnapshottedOnce: true });
      expect(result).toMatchObject({ contained: 30, lost: 0, actedTwice: 0, snapshotsPerVolume: 1, evidenceBeforeIsolation: 0 });
    },
  );

  it('throttles each EC2 action on its own bucket, sized as AWS documents', () => {
    expect(ec2Bucket('ModifyNetworkInterfaceAttribute')).toEqual({ burst: 100, perSecond: 5 });
    expect(ec2Bucket('CreateSnapshots')).toEqual({ burst: 100, perSecond: 5 });
    expect(ec2Bucket('CreateTags')).toEqual({ burst: 100, perSecond: 10 });
    expect(ec2Bucket('AuthorizeSecurityGroupIngress')).toEqual({ burst: 50, perSecond: 5 });
    expect(ec2Bucket('ModifyInstanceAttribute')).toEqual({ burst: 50, perSecond: 5 });
    expect(ec2Bucket('DescribeInstances')).toEqual({ burst: 50, perSecond: 10 });
    expect(ec2Bucket('DescribeInstanceAttribute')).toEqual({ burst: 100, perSecond: 20 });
  });
});
