/**
 * A way to meet the second factor of a sign-in, contributed by a feature
 * (Feature.secondFactors): passkeys, for one. The MFA feature's gate asks
 * every contributed factor whether the account has it, lists the ones it has
 * in the challenge's `methods`, and hands the proof sent to
 * `POST /v1/login/mfa` under the factor's `method` name to its `verify`.
 */
export interface SecondFactor {
  /** Its name in `methods` and its field in the second step's body (e.g. `passkey`). */
  readonly method: string;
  /** Whether the account can meet the second factor this way. */
  enabledFor(userId: string): Promise<boolean>;
  /**
   * Checks the proof for this user, spending whatever makes it single-use;
   * answers the RFC 8176 method references it proves, or throws an AuthError.
   */
  verify(userId: string, proof: unknown): Promise<readonly string[]>;
}
