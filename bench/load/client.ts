// A small keep-alive HTTP client for the load generators that cannot replay
// one fixed request (refresh rotation, login): node:http is much lighter per
// request than fetch, which matters when the generator shares 2 cores.
import http from "node:http";

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export function createClient(base: string, maxSockets: number, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(base);
  return {
    post(path: string, json: unknown): Promise<JsonResponse> {
      const payload = JSON.stringify(json);
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path,
            method: "POST",
            headers: {
              ...headers,
              "content-type": "application/json",
              "content-length": Buffer.byteLength(payload),
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
              resolve({ status: res.statusCode ?? 0, body });
            });
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
        req.on("error", reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
