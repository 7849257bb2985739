import type { Command } from 'commander';
import { runStdioServer } from '../mcp/stdio.js';
import { action, openContext, withStoreFlags, type StoreFlags } from './common.js';

export function registerMcpCommand(program: Command): void {
  withStoreFlags(
    program
      .command('mcp')
      .description(
        'Serve MCP over stdio for AI assistants. With CLOUDTALLY_URL + CLOUDTALLY_TOKEN it uses a running server; otherwise it opens the data directory itself (needs CLOUDTALLY_TOKEN or --email).',
      )
      .option('--url <url>', 'Cloudtally server URL (default CLOUDTALLY_URL)')
      .option('--token <token>', 'API token (default CLOUDTALLY_TOKEN)')
      .option(
        '--email <email>',
        'without a token: act as this user (a session token is minted and revoked at exit)',
      )
      .option('--org <name>', 'with --email: the organization to act in'),
  ).action(
    action(async (flags: StoreFlags & { url?: string; token?: string; email?: string; org?: string }) => {
      await runStdioServer({
        url: flags.url ?? process.env.CLOUDTALLY_URL,
        token: flags.token ?? process.env.CLOUDTALLY_TOKEN,
        email: flags.email,
        org: flags.org,
        openContext: () => openContext({ logLevel: 'warn', ...flags }),
      });
    }),
  );
}
