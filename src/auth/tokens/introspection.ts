import type { CheckResult } from "./check";

/** RFC 7662 §2.2 introspection response. Inactive tokens say nothing else (§2.2, §4). */
export type IntrospectionResponse =
  | {
      active: true;
      token_type: "Bearer";
      client_id: string;
      sub: string;
      aud: string;
      iss: string;
      exp: number;
      iat: number;
      jti: string;
      sid: string;
    }
  | { active: false };

export function toIntrospection(result: CheckResult): IntrospectionResponse {
  if (!result.ok) return { active: false };
  const c = result.claims;
  return {
    active: true,
    token_type: "Bearer",
    client_id: c.client_id,
    sub: c.sub,
    aud: c.aud,
    iss: c.iss,
    exp: c.exp,
    iat: c.iat,
    jti: c.jti,
    sid: c.sid,
  };
}
