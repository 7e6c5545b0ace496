import { z } from "zod";

/** An email field: trimmed before validation; the store compares it case-insensitively. */
export const emailField = z.string().trim().max(254).pipe(z.email());

/** A password field. Length rules live in the password policy; this only bounds the JSON. */
export const passwordField = z.string().min(1).max(4096);

/** A path parameter that must be one of our ids (RFC 9562 UUID, lowercase as stored). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
