export function ensurePostgres(): Promise<void>;
