/** Longest delay between two attempts at one mail. */
const MAX_RETRY_DELAY_SECONDS = 3600;

/** `base`, `2·base`, `4·base`… seconds for attempts 1, 2, 3…, at most an hour. */
export function retryDelaySeconds(baseSeconds: number, attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1));
}
