/**
 * The node flags the shipped daemon runs with (deploy/stakebts.service, the Dockerfile; test/deploy checks both).
 *
 * `--max-semi-space-size=4` (MB; V8's default is 16): a catch-up allocates ≈ 20 kB a block at thousands of blocks a
 * second, almost all of it garbage within milliseconds. With the default young generation, objects still in flight
 * (a window of 256 calls) survive into the old generation, which V8 lets grow to several times the live heap
 * (≈ 15 MB) before collecting it. Measured over 300 000 blocks (bench/catchup.ts): peak RSS 164 MB → 134 MB, the
 * scan no slower (67.0 s → 65.3 s). It must be given at launch: V8 sizes its heap when the process starts, and
 * `v8.setFlagsFromString` afterwards was measured to change nothing. An operator starting `stakebts` by hand can
 * set it with NODE_OPTIONS (docs/mainnet.md).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
