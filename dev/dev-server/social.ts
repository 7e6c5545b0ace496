// Social login in `npm run dev` with zero configuration: unless the user set up
// providers of their own, a local OpenID Connect provider (dev/stack/oidc-provider.ts)
// with one test user is registered with the Worker as the generic provider `dev`,
// and a demo app (demo-app.ts) gives the flow a page to start from and end at.
//
// The client secret is made anew each run, as the mail sink's API key is: both
// ends of it live only as long as this dev server, so it goes to the Worker as a
// variable of this run rather than into .dev.vars.
import { randomBytes } from "node:crypto";
import { type OidcTestAccount, startLocalOidcProvider } from "../stack/oidc-provider.ts";
import { type DemoApp, startDemoApp } from "./demo-app.ts";
import { startOnPreferredPort } from "./side-port.ts";

export const DEV_PROVIDER = { id: "dev", name: "Local test IdP" } as const;
export const DEV_CLIENT_ID = "edge-auth-dev";
export const DEV_USER = {
  sub: "dev-user",
  email: "dev@example.test",
  email_verified: true,
  name: "Dev User",
} as const satisfies OidcTestAccount;
export const DEFAULT_DEMO_APP_PORT = 8789;

const CLIENT_ID_VARIABLE = /^OAUTH_[A-Z0-9_]+_CLIENT_ID$/;
const CLIENT_VARIABLE = /^OAUTH_[A-Z0-9_]+_CLIENT_(ID|SECRET)$/;

/**
 * Where the user configured social login of their own, if anywhere: a client id
 * or OAUTH_OIDC_PROVIDERS set in the environment (even to "", which turns the
 * local provider off), or given a value in .dev.vars.
 */
export function ownSocialConfig(
  environment: NodeJS.ProcessEnv,
  devVars: Record<string, string>,
): string | undefined {
  const counts = (name: string) => name === "OAUTH_OIDC_PROVIDERS" || CLIENT_ID_VARIABLE.test(name);
  const fromEnvironment = Object.keys(environment)
    .filter((name) => counts(name) && environment[name] !== undefined)
    .sort();
  if (fromEnvironment[0]) return `${fromEnvironment[0]} in the environment`;
  const fromFile = Object.keys(devVars)
    .filter((name) => counts(name) && devVars[name]?.trim())
    .sort();
  if (fromFile[0]) return `${fromFile[0]} in .dev.vars`;
  return undefined;
}

/**
 * The client variables of providers set in the environment. A generic
 * provider's are named after its id (OAUTH_ACME_CLIENT_ID), so no list of
 * documented names holds them; without this they would not reach the Worker.
 */
export function providerClientNames(environment: NodeJS.ProcessEnv): string[] {
  return Object.keys(environment).filter(
    (name) => CLIENT_VARIABLE.test(name) && environment[name] !== undefined,
  );
}

export interface DevSocialLogin {
  /** For the Worker: the provider, its client, and where flows may end. */
  vars: Record<string, string>;
  issuer: string;
  demo: DemoApp;
  /** Set when the demo app's default port was taken and another one was used. */
  fellBackFrom?: number;
}

/**
 * Starts the provider, then the demo app. `onStarted` gets each one's close
 * right after it listens, so a failure half way still stops the first.
 */
export async function startDevSocialLogin(opts: {
  workerPort: string;
  /** DEMO_APP_PORT as given (undefined or "" = not given). */
  requestedDemoPort: string | undefined;
  defaultDemoPort?: number;
  onStarted: (close: () => Promise<void>) => void;
}): Promise<DevSocialLogin> {
  const clientSecret = randomBytes(32).toString("base64url");
  // The Worker gives the provider its own origin as the request reached it.
  const callbacks = ["127.0.0.1", "localhost"].map(
    (host) => `http://${host}:${opts.workerPort}/v1/oauth/${DEV_PROVIDER.id}/callback`,
  );
  const provider = await startLocalOidcProvider({
    clients: [{ clientId: DEV_CLIENT_ID, clientSecret, redirectUris: callbacks }],
    accounts: [{ ...DEV_USER }],
  });
  opts.onStarted(provider.close);
  const { server: demo, fellBackFrom } = await startOnPreferredPort({
    variable: "DEMO_APP_PORT",
    requested: opts.requestedDemoPort,
    defaultPort: opts.defaultDemoPort ?? DEFAULT_DEMO_APP_PORT,
    start: (port) => startDemoApp({ port, workerPort: opts.workerPort }),
  });
  opts.onStarted(demo.close);
  const vars = {
    OAUTH_OIDC_PROVIDERS: JSON.stringify([
      { id: DEV_PROVIDER.id, issuer: provider.issuer, name: DEV_PROVIDER.name },
    ]),
    OAUTH_DEV_CLIENT_ID: DEV_CLIENT_ID,
    OAUTH_DEV_CLIENT_SECRET: clientSecret,
    OAUTH_REDIRECT_URIS: demo.redirectUris.join(","),
  };
  return {
    vars,
    issuer: provider.issuer,
    demo,
    ...(fellBackFrom === undefined ? {} : { fellBackFrom }),
  };
}
