import type { AwsClients } from './clients';

/**
 * Warden's own account: the setting when there is one (the stack sets WARDEN_HOME_ACCOUNT), else
 * the account of the credentials in use, asked of STS once. Only paths that execute call this, so
 * planning never loads the SDK.
 */
export async function homeAccountOf(homeAccount: string | undefined, clients: AwsClients): Promise<string> {
  if (homeAccount) return homeAccount;
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const { Account } = await clients.of(STSClient).send(new GetCallerIdentityCommand({}));
  if (!Account) throw new Error('STS GetCallerIdentity returned no account');
  return Account;
}
