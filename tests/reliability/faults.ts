// The ways AWS calls fail, as the SDK reports them, and whether a retry may help.
export const FAULTS = {
  throttling: { error: { name: 'ThrottlingException', message: 'Rate exceeded', $fault: 'client' }, retryable: true },
  'access denied': {
    error: { name: 'AccessDenied', message: 'not authorized to perform this operation', $fault: 'client' },
    retryable: false,
  },
  'group not found': {
    error: { name: 'InvalidGroup.NotFound', message: "The security group 'sg-x' does not exist", $fault: 'client' },
    retryable: false,
  },
  'instance not found': {
    error: { name: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-x' does not exist", $fault: 'client' },
    retryable: false,
  },
  timeout: { error: { name: 'TimeoutError', message: 'socket hang up' }, retryable: true },
  '5xx': {
    error: { name: 'InternalError', message: 'An internal error has occurred', $fault: 'server', $metadata: { httpStatusCode: 500 } },
    retryable: true,
  },
} as const;
