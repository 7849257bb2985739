/** The checkout's root. */
export const ROOT: string;
/** Folder of the compiled CLI. */
export const DIST: string;
/** The compiled CLI's entry point. */
export const ENTRY: string;
/** True when dist/cli (of the checkout at `root`, default this one) holds a build of the current sources. */
export function cliBuildIsCurrent(root?: string): boolean;
/** Bundles the CLI into dist/cli; false when esbuild is not installed. */
export function buildCli(): Promise<boolean>;
/** Builds the CLI unless the current build is already there. */
export function ensureCliBuild(): Promise<boolean>;
