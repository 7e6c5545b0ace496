// What every bench route shares, built once per isolate: the validated config,
// the imported signing keys and one real access token.
import { importJWK } from "jose";
import { FIRST_PARTY_CLIENT_ID } from "../../src/auth/client.ts";
import { issueAccessToken } from "../../src/auth/tokens/access-token.ts";
import { loadSigningKeys, type SigningKeySet } from "../../src/auth/tokens/signing-keys.ts";
import { type Config, ConfigError, configFromEnv } from "../../src/config.ts";
import { systemClock } from "../../src/ports.ts";

export interface BenchFixture {
  config: Config;
  keys: SigningKeySet;
  /** A real access token, as /v1/login issues it. */
  token: string;
  /** The same key as a bare CryptoKey, imported once through jose. */
  floorKey: CryptoKey;
}

/**
 * The subject of the bench's tokens. Its type follows src/ (fields get added);
 * the fields a real login sets are spelled out here.
 */
export const benchSubject = (): Parameters<typeof issueAccessToken>[3] => ({
  userId: crypto.randomUUID(),
  sessionId: "AZqXb5ZT1oP6Sg9xkzVjAw",
  claims: { email_verified: false },
});

let fixture: Promise<BenchFixture> | undefined;

/** Built once per isolate: config, imported keys, one token. */
export function fixtureFor(env: Env): Promise<BenchFixture> {
  fixture ??= (async () => {
    const config = configFromEnv(env);
    if (config instanceof ConfigError) throw config;
    const keys = await loadSigningKeys(config.signingKeys);
    const { token } = await issueAccessToken(
      keys,
      {
        issuer: config.issuer,
        audience: config.audience,
        clientId: FIRST_PARTY_CLIENT_ID,
        ttlSeconds: config.accessTokenTtlSeconds,
        format: "jwt",
      },
      systemClock,
      benchSubject(),
    );
    const current = config.signingKeys[0];
    if (!current) throw new Error("no signing key");
    const floorKey = (await importJWK(
      { kty: "OKP", crv: "Ed25519", x: current.x },
      "EdDSA",
    )) as CryptoKey;
    return { config, keys, token, floorKey };
  })();
  return fixture;
}
