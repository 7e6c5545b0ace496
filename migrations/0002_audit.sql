CREATE TABLE "audit_checkpoints" (
	"chain_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"mac" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY("chain_id","seq")
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"chain_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"v" smallint NOT NULL,
	"at_ms" bigint NOT NULL,
	"occurred_at" timestamp with time zone GENERATED ALWAYS AS (to_timestamp("at_ms" / 1000.0)) STORED,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"user_id" text,
	"request_id" text,
	"ip" text,
	"user_agent" text,
	"details" jsonb NOT NULL,
	"key_id" text NOT NULL,
	"prev_mac" text NOT NULL,
	"mac" text NOT NULL,
	CONSTRAINT "audit_events_pkey" PRIMARY KEY("chain_id","seq")
);
--> statement-breakpoint
CREATE INDEX "audit_events_user_idx" ON "audit_events" USING btree ("user_id","at_ms");