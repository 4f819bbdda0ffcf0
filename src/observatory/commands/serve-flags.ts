// V8 flags `npm start` runs `serve` with. Live heap under the API benchmark's load is ~20 MB, but V8's
// default heuristics let the heap grow to ~330 MB RSS; a capped old space keeps `serve` under 200 MB
// at no measurable cost to throughput (bench/api.bench.ts measures with these same flags).
export const SERVE_V8_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=4'] as const;
