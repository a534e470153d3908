/** Trace fixtures are bundled as text (compile.ts: esbuild's text loader for .jsonl). */
declare module '*.jsonl' {
  const text: string;
  export default text;
}
