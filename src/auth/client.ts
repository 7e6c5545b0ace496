/** Tokens from /v1/login are issued to the service's own first-party client (RFC 9068 §2.2 `client_id`). */
export const FIRST_PARTY_CLIENT_ID = "first-party";
