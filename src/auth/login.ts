import { AuthError } from "../errors";
import type { UserRecord } from "../ports";
import { type AccountDeps, authenticate } from "./accounts";
import {
  accountKey,
  checkLogin,
  type LoginThrottleDeps,
  recordLoginFailure,
  recordLoginSuccess,
} from "./throttle";

/**
 * A password login with online-guessing defences: the throttle decides before
 * any hashing (a throttled attempt costs no argon2 work and reveals nothing
 * about the account), a wrong password counts against the client and the
 * account, and a success clears the account's failure streak.
 */
export async function login(
  deps: AccountDeps & LoginThrottleDeps,
  input: { email: string; password: string; challenge_token?: string | undefined },
  ip: string,
): Promise<UserRecord> {
  const client = {
    ip,
    account: await accountKey(input.email),
    ...(input.challenge_token ? { challengeToken: input.challenge_token } : {}),
  };
  await checkLogin(deps, client);
  let user: UserRecord;
  try {
    user = await authenticate(deps, input);
  } catch (err) {
    if (err instanceof AuthError && err.code === "invalid_credentials")
      await recordLoginFailure(deps, client);
    throw err;
  }
  await recordLoginSuccess(deps, client);
  return user;
}
