import type { Feature } from "./feature";
import { auditFeature } from "./features/audit/feature";
import { emailFeature } from "./features/email/feature";
import { legacyFeature } from "./features/legacy/feature";
import { mfaFeature } from "./features/mfa/feature";
import { passkeysFeature } from "./features/passkeys/feature";
import { rolesFeature } from "./features/roles/feature";
import { socialFeature } from "./features/social/feature";

/**
 * The feature registry: every slice the Worker runs, in order (routes are
 * mounted, gates asked and services built in this order). Adding a feature is
 * a folder under src/features/ plus one line here and one in src/config.ts
 * (its Node-loadable config part); docs/architecture.md walks through it.
 */
export const features: readonly Feature[] = [
  auditFeature,
  emailFeature,
  legacyFeature,
  socialFeature,
  passkeysFeature,
  rolesFeature,
  // Last: its gate asks for the second factor once every other gate has passed.
  mfaFeature,
];
