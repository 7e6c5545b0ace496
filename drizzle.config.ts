import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./src/adapters/postgres/schema.ts",
    "./src/features/audit/adapters/schema.ts",
    "./src/features/email/adapters/schema.ts",
    "./src/features/legacy/adapters/schema.ts",
    "./src/features/social/adapters/schema.ts",
    "./src/features/mfa/adapters/schema.ts",
    "./src/features/passkeys/adapters/schema.ts",
    "./src/features/roles/adapters/schema.ts",
  ],
  out: "./migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
