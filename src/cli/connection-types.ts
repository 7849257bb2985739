// What a CLI command holds while it talks to Cloudtally (client.ts makes it; local-api.ts makes the in-process kind).
import type { CloudtallyClient } from '../api-client/client.js';
import type { AppContext } from '../app/context.js';

export interface ApiFlags {
  url?: string;
  token?: string;
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
  logLevel?: string;
  /** The organization to act in on a data directory that holds several. */
  org?: string;
  /** Who acts on a data directory (a member's e-mail); through a server, the token says. */
  as?: string;
  /** On a data directory without --org: the organization of the object the command is about. */
  orgOf?: (ctx: AppContext) => Promise<string>;
}

export interface Connection {
  api: CloudtallyClient;
  /** Set when the app runs in-process on the data directory. */
  local?: LocalSession;
  close(): Promise<void>;
}

/** The in-process application on a data directory. */
export interface LocalSession {
  ctx: AppContext;
  /** The organization the commands act in (the only one, or the one named by --org). */
  org(): Promise<{ id: string; name: string }>;
}
