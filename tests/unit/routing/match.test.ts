import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern } from '../../../src/routing';

// Cases follow the EventBridge user guide, "Content filtering in Amazon EventBridge event patterns".
const event = {
  source: 'aws.ec2',
  'detail-type': 'EC2 Instance State-change Notification',
  detail: { state: 'running', count: 5, 'instance-id': 'i-0123', tags: ['prod', 'web'], ip: '10.0.1.7', nested: { a: 'b' } },
};

describe('EventBridge pattern matching', () => {
  it.each<[string, EventPattern, boolean]>([
    ['exact value', { source: ['aws.ec2'] }, true],
    ['exact value, other', { source: ['aws.s3'] }, false],
    ['arrays are OR', { source: ['aws.s3', 'aws.ec2'] }, true],
    ['every field must match', { source: ['aws.ec2'], detail: { state: ['stopped'] } }, false],
    ['event array matches any element', { detail: { tags: ['web'] } }, true],
    ['prefix', { detail: { 'instance-id': [{ prefix: 'i-' }] } }, true],
    ['prefix, other', { detail: { 'instance-id': [{ prefix: 'vol-' }] } }, false],
    ['suffix', { 'detail-type': [{ suffix: 'Notification' }] }, true],
    ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, true],
    ['anything-but value', { detail: { state: [{ 'anything-but': 'stopped' }] } }, true],
    ['anything-but list', { detail: { state: [{ 'anything-but': ['running', 'pending'] }] } }, false],
    ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, false],
    ['anything-but does not match a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['numeric range', { detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric range, outside', { detail: { count: [{ numeric: ['>', 5] }] } }, false],
    ['numeric on a string', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['exists true', { detail: { state: [{ exists: true }] } }, true],
    ['exists true on a missing field', { detail: { missing: [{ exists: true }] } }, false],
    ['exists false on a missing field', { detail: { missing: [{ exists: false }] } }, true],
    ['exists false on a present field', { detail: { state: [{ exists: false }] } }, false],
    ['exists works on leaves only', { detail: { nested: [{ exists: true }] } }, false],
    ['cidr', { detail: { ip: [{ cidr: '10.0.0.0/16' }] } }, true],
    ['cidr, outside', { detail: { ip: [{ cidr: '10.1.0.0/16' }] } }, false],
    ['wildcard', { detail: { 'instance-id': [{ wildcard: 'i-*' }] } }, true],
    ['wildcard in the middle', { source: [{ wildcard: 'aws*ec2' }] }, true],
    ['wildcard, other', { source: [{ wildcard: '*.s3' }] }, false],
    ['wildcard characters are literal but *', { source: [{ wildcard: 'aws?ec2' }] }, false],
    ['$or, one branch matches', { $or: [{ source: ['aws.s3'] }, { detail: { state: ['running'] } }] }, true],
    ['$or, no branch matches', { $or: [{ source: ['aws.s3'] }, { detail: { state: ['stopped'] } }] }, false],
    ['nested pattern on a missing object', { detail: { absent: { a: ['b'] } } }, false],
  ])('%s', (_name, pattern, expected) => {
    // Act & Assess
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it('matches nothing that is not an object', () => {
    expect(matchesPattern('aws.ec2', { source: ['aws.ec2'] })).toBe(false);
    expect(matchesPattern(null, { source: ['aws.ec2'] })).toBe(false);
  });

  it('throws on an operator it does not implement, instead of guessing', () => {
    expect(() => matchesPattern(event, { source: [{ 'suffix-ignore-case': '.EC2' } as never] })).toThrow(
      /unsupported pattern operator: suffix-ignore-case/,
    );
  });
});
