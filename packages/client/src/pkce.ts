/** Base64url without padding (RFC 4648 §5), as PKCE and the service use it. */
function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `bytes` random bytes, base64url: 32 bytes make a 43-character RFC 7636 verifier. */
export const randomToken = (bytes: number): string =>
  base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** RFC 7636 §4.2: S256 challenge = BASE64URL(SHA-256(ASCII(code_verifier))). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
