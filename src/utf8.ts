/**
 * UTF-8 through one encoder and two decoders per isolate. Each `new TextEncoder()`
 * or `new TextDecoder()` is a runtime object that a full garbage collection frees
 * inside its pause, so code converts here instead of making its own
 * (bench/README.md, "Where a full GC's pause goes"). A decoder that is never
 * asked to stream keeps no state between calls, so sharing one is safe.
 */
const encoder = new TextEncoder();
const lenient = new TextDecoder();
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The text's UTF-8 bytes. The type is inferred: the Worker's and Node's typings
 * of TextEncoder differ, and each side's crypto accepts its own.
 */
export const utf8 = (text: string) => encoder.encode(text);

/** The bytes as text, each malformed sequence replaced by U+FFFD. */
export const fromUtf8 = (bytes: ArrayBuffer | ArrayBufferView): string => lenient.decode(bytes);

/** The bytes as text; a TypeError when they are not well-formed UTF-8. */
export const fromStrictUtf8 = (bytes: ArrayBuffer | ArrayBufferView): string =>
  strict.decode(bytes);
