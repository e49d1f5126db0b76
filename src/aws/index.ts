export { type AwsClients, type ClientOptions, createClients, MAX_ATTEMPTS, RETRY_MODE } from './clients';
