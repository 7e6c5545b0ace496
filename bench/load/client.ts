// A small keep-alive HTTP client for the load generators that cannot replay
// one fixed request (refresh rotations, ours and the peer's, login, the sign-in flows): node:http is
// much lighter per request than fetch, which matters when the generator shares
// 2 cores.
import http from "node:http";

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export function createClient(base: string, maxSockets: number, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(base);
  const send = (
    method: "GET" | "POST",
    path: string,
    extraHeaders: Record<string, string>,
    payload?: { type: string; text: string },
  ): Promise<JsonResponse> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path,
          method,
          headers: {
            ...headers,
            ...extraHeaders,
            ...(payload === undefined
              ? {}
              : {
                  "content-type": payload.type,
                  "content-length": Buffer.byteLength(payload.text),
                }),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => {
            let body: Record<string, unknown> = {};
            try {
              body = text ? JSON.parse(text) : {};
            } catch {
              body = { raw: text };
            }
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end(payload?.text);
    });
  return {
    post: (path: string, json: unknown, extraHeaders: Record<string, string> = {}) =>
      send("POST", path, extraHeaders, { type: "application/json", text: JSON.stringify(json) }),
    /** An `application/x-www-form-urlencoded` POST (OAuth 2.0's token endpoint, RFC 6749 §4.1.3). */
    postForm: (path: string, form: Record<string, string>) =>
      send(
        "POST",
        path,
        {},
        {
          type: "application/x-www-form-urlencoded",
          text: new URLSearchParams(form).toString(),
        },
      ),
    get: (path: string, extraHeaders: Record<string, string> = {}) =>
      send("GET", path, extraHeaders),
    close: () => agent.destroy(),
  };
}

export type Client = ReturnType<typeof createClient>;
