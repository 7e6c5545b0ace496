// Files imported as text by the worker tests (Vite's `?raw` suffix).
declare module "*?raw" {
  const text: string;
  export default text;
}
