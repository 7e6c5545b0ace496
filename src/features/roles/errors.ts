import { defineErrors } from "../../errors";

/** The errors of roles and permissions (README "Roles and permissions"). */
export const roleErrors = defineErrors({
  unknown_role: { code: "not_found", status: 404, message: "no such role" },
  role_exists: { code: "role_exists", status: 409, message: "a role with this name exists" },
  too_many_roles: {
    code: "too_many_roles",
    status: 409,
    message: "the user holds the most roles a token may carry (16)",
  },
  last_admin: {
    code: "last_admin",
    status: 409,
    message: "this is the last holder of the admin role; grant it to someone else first",
  },
});
