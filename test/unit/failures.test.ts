// The error funnel's classification of unexpected errors: dependency failures
// become retryable 503s, everything else a 500 without details.
import { describe, expect, it } from "vitest";
import { HashingBusyError } from "../../src/auth/password/argon2id";
import { classifyFailure } from "../../src/failures";

describe("classifyFailure", () => {
  it("answers 503 with Retry-After when the per-isolate hashing queue is full", () => {
    const { kind, error } = classifyFailure(new HashingBusyError(32));
    expect(kind).toBe("hashing_busy");
    expect(error).toMatchObject({
      code: "temporarily_unavailable",
      status: 503,
      headers: { "Retry-After": "1" },
    });
  });

  it("answers 503 for a Durable Object error that workerd marks retryable or overloaded", () => {
    for (const flag of ["retryable", "overloaded"]) {
      const err = Object.assign(new Error("Durable Object reset"), { [flag]: true });
      expect(classifyFailure(err).error.status).toBe(503);
    }
  });

  it("answers a bare 500 for a bug, whatever its message says", () => {
    const { kind, error } = classifyFailure(new RangeError("secret stuff in a message"));
    expect(kind).toBe("internal");
    expect(error).toMatchObject({
      code: "server_error",
      status: 500,
      description: "internal error",
    });
  });
});
