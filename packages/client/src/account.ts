import { type ClientContext, unwrap } from "./context";

/** Email verification and address change (README "Email"). */
export interface EmailFlows {
  /** `POST /v1/email/verify` with the token from the mail link (a change token also switches the address). */
  verify(token: string): Promise<void>;
  /**
   * A new verification mail: signed in, for the account's address; with `email`,
   * for that address without a session (the same answer for every address).
   */
  resendVerification(input?: { email?: string }): Promise<void>;
  /** Mails a link to `newEmail` (and a notice to the current one). Needs step-up. */
  change(input: { password: string; newEmail: string }): Promise<void>;
}

/** Forgotten, reset and changed passwords. */
export interface PasswordFlows {
  /** Mails a reset link if the address has an account; the same answer either way. */
  forgot(email: string): Promise<void>;
  /** Sets the password from the mail link's token; every session ends. */
  reset(input: { token: string; password: string }): Promise<void>;
  /** Needs step-up; the other sessions end unless `revokeOtherSessions: false`. */
  change(input: {
    currentPassword: string;
    newPassword: string;
    revokeOtherSessions?: boolean;
  }): Promise<void>;
}

export function emailFlows(ctx: ClientContext): EmailFlows {
  return {
    async verify(token) {
      await unwrap(ctx.api.POST("/v1/email/verify", { body: { token } }));
    },
    async resendVerification(input = {}) {
      // Without a body the middleware signs the request; with one it names an address.
      await unwrap(
        input.email === undefined
          ? ctx.api.POST("/v1/email/verify/resend", {} as never)
          : ctx.api.POST("/v1/email/verify/resend", { body: { email: input.email } }),
      );
    },
    async change({ password, newEmail }) {
      await unwrap(ctx.api.POST("/v1/email/change", { body: { password, new_email: newEmail } }));
    },
  };
}

export function passwordFlows(ctx: ClientContext): PasswordFlows {
  return {
    async forgot(email) {
      await unwrap(ctx.api.POST("/v1/password/forgot", { body: { email } }));
    },
    async reset({ token, password }) {
      await unwrap(ctx.api.POST("/v1/password/reset", { body: { token, password } }));
    },
    async change({ currentPassword, newPassword, revokeOtherSessions }) {
      await unwrap(
        ctx.api.POST("/v1/password/change", {
          body: {
            current_password: currentPassword,
            new_password: newPassword,
            ...(revokeOtherSessions === undefined
              ? {}
              : { revoke_other_sessions: revokeOtherSessions }),
          },
        }),
      );
    },
  };
}
