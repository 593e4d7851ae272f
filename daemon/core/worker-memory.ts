/**
 * Young generation of a worker thread's heap: 3 x a 2 MB semi-space, as the main thread's
 * --max-semi-space-size=2. Short-lived buffers (a frame's typed arrays, a request's bodies) are
 * freed at the next scavenge; with V8's default (48 MB) their native memory piles up to ~45 MB
 * more RSS between scavenges.
 */
export const WORKER_YOUNG_GENERATION_MB = 6;
