// The layering rule (`npm run lint` runs it; `npx depcruise src` alone). Layers, lowest first:
//   src/lib → src/store, src/config → domains (every other folder of src/, src/providers/* included)
//   → src/app (the composition root) → src/api, src/mcp → src/cli.
// An import may only point down (or sideways between domains), never up, and never in a circle.
// Tests (*.test.ts) are left out: they may reach into any layer to set up what they check.

const ENTRY_POINTS = '^src/(api|cli|mcp|app)/';
/** Domains that must not know a provider: a cloud's code lives in src/providers/<name>/. */
const PROVIDER_NEUTRAL = '^src/(lib|store|config|billing|costs|budgets|allocation|notifications|sync|auth)/';

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle: move what both need into a third module.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-types',
      severity: 'error',
      comment: 'Types import each other in a circle: move the shared types into a module of their own.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'lib-is-a-leaf',
      severity: 'error',
      comment: 'src/lib holds helpers every layer uses: it imports nothing else of src/.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'store-below-domains',
      severity: 'error',
      comment: 'The store port and its engines know no domain: domains pass SQL and values in.',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|lib)/' },
    },
    {
      name: 'config-below-domains',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(config|lib)/' },
    },
    {
      name: 'domains-below-entry-points',
      severity: 'error',
      comment: 'Domains are used by the API, MCP, CLI and the composition root, never the other way round.',
      from: { path: '^src/', pathNot: ENTRY_POINTS },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'composition-root-below-interfaces',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(api|cli|mcp)/' },
    },
    {
      name: 'servers-below-cli',
      severity: 'error',
      comment: 'The API and MCP servers run without the CLI; the CLI starts them.',
      from: { path: '^src/(api|mcp)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'provider-neutral-domains',
      severity: 'error',
      comment: 'Provider-neutral domains reach a cloud only through the provider seam (src/providers).',
      from: { path: PROVIDER_NEUTRAL },
      to: { path: '^src/providers/aws/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
    doNotFollow: { path: 'node_modules' },
  },
};
