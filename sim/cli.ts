import type { Command } from 'commander';
import type { Simulator } from './simulator.js';

export interface SimCommandOptions {
  /** Scenario file, folder, or bundled name (`demo`, `small`). */
  scenario: string;
  port?: number;
  dataDir?: string;
  /** ISO date for the simulator's clock. */
  now?: string;
}

/**
 * Runs the simulator until SIGINT/SIGTERM. Prints exactly `simulator listening on http://127.0.0.1:N` once ready
 * (scripts wait for that line).
 */
export async function runSimCommand(opts: SimCommandOptions): Promise<Simulator> {
  const { startSimulator } = await import('./simulator.js');
  const sim = await startSimulator(opts.scenario, {
    port: opts.port,
    dataDir: opts.dataDir,
    now: opts.now ? new Date(opts.now) : undefined,
  });
  process.stdout.write(`simulator listening on ${sim.url}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}

/** Registers `cloudtally sim --scenario FILE [--port N] [--data-dir DIR] [--now ISO]`. */
export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('Run the AWS simulator (test double) for a scenario')
    .requiredOption('--scenario <file>', 'scenario file (JSON or YAML), folder, or bundled name such as demo')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--data-dir <dir>', 'where buckets and ground truth are kept (temporary by default)')
    .option('--now <iso>', "the simulator's clock (defaults to the scenario's, else the current time)")
    .action(async (o: { scenario: string; port: string; dataDir?: string; now?: string }) => {
      await runSimCommand({ scenario: o.scenario, port: Number(o.port), dataDir: o.dataDir, now: o.now });
    });
}
