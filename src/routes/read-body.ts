import { type AuthError, httpErrors } from "../errors";

/**
 * Reads a request body up to `max` bytes and stops at the first chunk past it
 * (413), whether or not a Content-Length was declared: a chunked body is never
 * buffered beyond the limit.
 */
export async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > max) {
        await reader.cancel();
        throw tooLarge(max);
      }
      chunks.push(value);
    }
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export const tooLarge = (max: number): AuthError =>
  httpErrors.error("payload_too_large", { description: `body must be at most ${max} bytes` });
