// The test tiers of `npm test`. The slow tier holds the tests that install or run the whole product as a user would:
// `npm ci && npm run demo` in a clean clone, and every command of the README (its benchmarks at their smallest).
// `npm run test:slow` runs them alone, `npm run test:fast` everything else; `npm test` runs both, fast first.

/** Test files of the slow tier, relative to the repository root. */
export const SLOW_TESTS = [
  'test/demo/demo.test.ts',
  'test/readme/readme-commands.test.ts',
  'test/readme/readme-bench.test.ts',
];
