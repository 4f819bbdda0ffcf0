// V8 flags `npm start` runs `serve` with. Live heap under the API benchmark's load is ~20 MB, but V8's
// default heuristics let the heap grow to ~330 MB RSS; a capped old space keeps `serve` under 200 MB
// at no measurable cost to throughput (bench/api.bench.ts measures with these same flags).
// Allocation-site pretenuring moves a site's objects straight to old space once a burst of them lived
// long (start-up does that); after it, each report page's short-lived objects cost full mark-compacts:
// 92 in 20 s at 10,000 domains and 50 clients, 30 without it, and 20-25% more pages a second.
export const SERVE_V8_FLAGS = [
  '--max-old-space-size=160',
  '--max-semi-space-size=4',
  '--no-allocation-site-pretenuring',
] as const;

/**
 * Environment `npm start` runs `serve` with. glibc raises its mmap threshold as large buffers are
 * freed, after which snapshot-sized buffers come from the main heap and stay in RSS when freed (61 MB
 * of it under the abuse benchmark); a fixed 128 KiB threshold and a 1 MiB trim threshold return them,
 * and two arenas keep the thread pool's (zlib, fs) from each holding freed memory of its own. Other C
 * libraries ignore it; a value the user set is kept.
 */
export function serveEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    GLIBC_TUNABLES:
      env.GLIBC_TUNABLES ??
      'glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=1048576:glibc.malloc.arena_max=2',
  };
}
