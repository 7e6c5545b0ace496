-- Reset tokens remember the address they were mailed to; existing ones get the
-- account's current address (they were mailed to it, or the user changed it since,
-- in which case the new rule refuses them, as it should).
ALTER TABLE "password_reset_tokens" ADD COLUMN "email" text;--> statement-breakpoint
UPDATE "password_reset_tokens" t SET "email" = u."email" FROM "users" u WHERE u."id" = t."user_id";--> statement-breakpoint
ALTER TABLE "password_reset_tokens" ALTER COLUMN "email" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "credentials_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "imported_at" timestamp with time zone;--> statement-breakpoint
-- Accounts an import created before this column existed: those still on an imported
-- hash or holding imported sessions. One that already upgraded its hash and has no
-- session left counts as registered here from now on (a re-import reports a conflict).
UPDATE "users" u SET "imported_at" = u."created_at"
WHERE u."password_hash" LIKE '$2%' OR u."password_hash" LIKE 'bcrypt$%'
   OR u."password_hash" LIKE 'bcrypt\_sha256$%' OR u."password_hash" LIKE 'pbkdf2\_sha256$%'
   OR u."password_hash" LIKE 'argon2$%'
   OR EXISTS (SELECT 1 FROM "legacy_sessions" s WHERE s."user_id" = u."id");
