// A local server speaking Resend's send API (POST /emails), for tests and
// `npm run dev`: it checks the Bearer key and the body as Resend does, keeps
// every accepted mail in memory and serves them as JSON at GET /messages.
// POST /control/fail-next {"count": N, "to"?: address} makes the next N sends
// (to that address, if given) answer 500, so tests can watch the consumer retry.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | undefined;
  text: string | undefined;
  idempotency_key: string | undefined;
  received_at: string;
}

export interface MailSink {
  /** Base URL, e.g. http://127.0.0.1:8025; the send endpoint is `${url}/emails`. */
  url: string;
  messages: CapturedMail[];
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

// Resend's error shape: {statusCode, name, message}.
const error = (res: http.ServerResponse, status: number, name: string, message: string) =>
  reply(res, status, { statusCode: status, name, message });

const isAddressList = (v: unknown): v is string | string[] =>
  (typeof v === "string" && v.includes("@")) ||
  (Array.isArray(v) &&
    v.length >= 1 &&
    v.length <= 50 &&
    v.every((a) => typeof a === "string" && a.includes("@")));

export async function startMailSink(opts: {
  apiKey: string;
  port?: number;
  host?: string;
}): Promise<MailSink> {
  const messages: CapturedMail[] = [];
  // Idempotency keys seen, with the id they were answered with (Resend keeps them 24 h).
  const seen = new Map<string, string>();
  // Sends refused on purpose (GET /control/rejected), so tests can see the retries.
  const rejected: Array<{ to: string[]; subject: string; idempotency_key: string | undefined }> =
    [];
  // Sends still to fail, by recipient ("*" = any).
  const failNext = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && path === "/messages") return reply(res, 200, messages);
      if (req.method === "DELETE" && path === "/messages") {
        messages.length = 0;
        return reply(res, 200, { deleted: true });
      }
      if (req.method === "GET" && path === "/control/rejected") return reply(res, 200, rejected);
      if (req.method === "POST" && path === "/control/fail-next") {
        let control: { count?: unknown; to?: unknown };
        try {
          control = JSON.parse(raw || "{}");
        } catch {
          // A bad control request must not take the whole test stack down.
          return error(res, 400, "validation_error", "The body is not valid JSON.");
        }
        const { count, to } = control;
        const n = Number(count ?? 1);
        const who = typeof to === "string" ? to.toLowerCase() : "*";
        failNext.set(who, Number.isInteger(n) && n >= 0 ? n : 1);
        return reply(res, 200, { fail_next: failNext.get(who), to: who });
      }
      if (path !== "/emails")
        return error(res, 404, "not_found", "The requested endpoint does not exist.");
      if (req.method !== "POST")
        return error(
          res,
          405,
          "method_not_allowed",
          "Method is not allowed for the requested path.",
        );
      const auth = req.headers.authorization;
      if (!auth)
        return error(res, 401, "missing_api_key", "Missing API key in the authorization header.");
      if (auth !== `Bearer ${opts.apiKey}`)
        return error(res, 403, "invalid_api_key", "API key is invalid.");
      if (size > MAX_BODY) return error(res, 422, "validation_error", "Body too large.");
      if (!/^application\/json/i.test(req.headers["content-type"] ?? ""))
        return error(res, 422, "validation_error", "Expected a JSON body.");
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return error(res, 422, "validation_error", "Invalid JSON.");
      }
      if (typeof body.from !== "string" || !body.from.includes("@"))
        return error(res, 422, "validation_error", "The `from` field is invalid.");
      if (!isAddressList(body.to))
        return error(res, 422, "validation_error", "The `to` field is invalid.");
      if (typeof body.subject !== "string" || body.subject === "")
        return error(res, 422, "missing_required_field", "The `subject` field is missing.");
      if (typeof body.html !== "string" && typeof body.text !== "string")
        return error(res, 422, "validation_error", "Either `html` or `text` is required.");
      const recipients = (typeof body.to === "string" ? [body.to] : body.to).map((a) =>
        a.toLowerCase(),
      );
      const failing = [...recipients, "*"].find((who) => (failNext.get(who) ?? 0) > 0);
      if (failing) {
        failNext.set(failing, (failNext.get(failing) ?? 1) - 1);
        const key = req.headers["idempotency-key"];
        rejected.push({
          to: recipients,
          subject: body.subject,
          idempotency_key: typeof key === "string" ? key : undefined,
        });
        return error(
          res,
          500,
          "application_error",
          "An unexpected error occurred (sink told to fail).",
        );
      }
      const key = req.headers["idempotency-key"];
      const idempotencyKey = typeof key === "string" ? key : undefined;
      const earlier = idempotencyKey ? seen.get(idempotencyKey) : undefined;
      if (earlier) return reply(res, 200, { id: earlier });
      const id = crypto.randomUUID();
      if (idempotencyKey) seen.set(idempotencyKey, id);
      messages.push({
        id,
        from: body.from,
        to: typeof body.to === "string" ? [body.to] : body.to,
        subject: body.subject,
        html: typeof body.html === "string" ? body.html : undefined,
        text: typeof body.text === "string" ? body.text : undefined,
        idempotency_key: idempotencyKey,
        received_at: new Date().toISOString(),
      });
      reply(res, 200, { id });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
