export {
  type AssumeRole,
  type AssumeRoleRequest,
  type AwsClients,
  assumeRoleRequest,
  type ClientOptions,
  createClients,
  MAX_ATTEMPTS,
  memberRoleArn,
  RETRY_MODE,
  type Session,
} from './clients';
export { MemberRoleError } from './errors';
export { homeAccountOf } from './home';
