// Passkey sign-in's preparation: accounts with one passkey each, made by the
// tests' software authenticator through the registration ceremony, which needs
// a recent sign-in (a password login on the prep worker). The authenticators
// act as synced passkeys (backup eligible): their counter stays 0, as Apple's
// and Google's do, so one passkey may sign in concurrently.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type pg from "pg";
import { PASSWORD } from "../api.ts";
import { createClient } from "../load/client.ts";
import { bulkAccounts, mapLimit, prepHeaders } from "./accounts.ts";

/** What the bench uses of test/worker/support/soft-authenticator.ts's SoftAuthenticator. */
interface Authenticator {
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    opts: { origin: string },
  ): Promise<RegistrationResponseJSON>;
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    opts: { origin: string },
  ): Promise<AuthenticationResponseJSON>;
}

/**
 * The tests' software authenticator, loaded as it is: it needs only WebCrypto,
 * so Node runs it. Its types are written for the Worker's lib (workers-types),
 * which the Node-side typecheck does not load, hence the import by a computed
 * specifier and the slice of its interface above.
 */
async function softAuthenticator(): Promise<
  new (opts: {
    backupEligible: boolean;
  }) => Authenticator
> {
  const file = new URL("../../test/worker/support/soft-authenticator.ts", import.meta.url).href;
  return ((await import(file)) as { SoftAuthenticator: new (opts: object) => Authenticator })
    .SoftAuthenticator;
}

export interface PasskeyAccounts {
  authenticators: Authenticator[];
  /** The origin the "browser" reports in client data (one of WEBAUTHN_ORIGINS). */
  origin: string;
}

/** A started sign-in ceremony: what POST /v1/passkeys/login/options answered. */
export interface PasskeyCeremony {
  flow_id: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

export async function preparePasskeyAccounts(opts: {
  prep: string;
  db: pg.Client;
  n: number;
  /** WEBAUTHN_ORIGINS of the Worker; the first is used. */
  origins: string;
}): Promise<PasskeyAccounts> {
  const origin = opts.origins.split(",")[0]?.trim() ?? "";
  const accounts = await bulkAccounts(opts.prep, opts.db, "passkey", opts.n);
  const SoftAuthenticator = await softAuthenticator();
  const client = createClient(opts.prep, 2, prepHeaders);
  try {
    const authenticators = await mapLimit(accounts, 2, async (account) => {
      const signedIn = await client.post("/v1/login", {
        email: account.email,
        password: PASSWORD,
      });
      const access = signedIn.body.access_token;
      if (signedIn.status !== 200 || typeof access !== "string") {
        throw new Error(`passkey account login: ${signedIn.status}`);
      }
      const bearer = { authorization: `Bearer ${access}` };
      const started = await client.post(
        "/v1/passkeys/register/options",
        { password: PASSWORD },
        bearer,
      );
      if (started.status !== 200) throw new Error(`register options: ${started.status}`);
      const authenticator = new SoftAuthenticator({ backupEligible: true });
      const response = await authenticator.register(
        started.body.options as PublicKeyCredentialCreationOptionsJSON,
        { origin },
      );
      const done = await client.post(
        "/v1/passkeys/register/verify",
        { flow_id: started.body.flow_id, response, name: "bench" },
        bearer,
      );
      if (done.status !== 201) {
        throw new Error(`register verify: ${done.status} ${JSON.stringify(done.body)}`);
      }
      return authenticator;
    });
    return { authenticators, origin };
  } finally {
    client.close();
  }
}

/** The browser's answer to each ceremony, round-robin over the accounts' passkeys. */
export function assertions(
  accounts: PasskeyAccounts,
  ceremonies: readonly PasskeyCeremony[],
): Promise<Array<{ flow_id: string; response: AuthenticationResponseJSON }>> {
  return Promise.all(
    ceremonies.map(async (c, i) => {
      const authenticator = accounts.authenticators[
        i % accounts.authenticators.length
      ] as Authenticator;
      const response = await authenticator.authenticate(c.options, { origin: accounts.origin });
      return { flow_id: c.flow_id, response };
    }),
  );
}
