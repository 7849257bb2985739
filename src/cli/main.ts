// The `cloudtally` entry point. Command groups are listed in ./commands.ts, one line each.
import { createProgram } from './command-groups.js';
import { COMMAND_GROUPS } from './commands.js';
import { exitQuietlyOnClosedPipe } from './output.js';

exitQuietlyOnClosedPipe();
const program = await createProgram(COMMAND_GROUPS, process.argv.slice(2));
await program.parseAsync(process.argv);
