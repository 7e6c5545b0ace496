import { defineErrors } from "../../errors";

/** The errors of the audit trail's operator routes. */
export const auditErrors = defineErrors({
  malformed_chain: {
    code: "invalid_request",
    status: 400,
    message: "chain must name chains like shard-0",
  },
  // A chain that exists nowhere is an error, not an intact chain.
  unknown_chain: { code: "invalid_request", status: 400, message: "no such chain" },
});
