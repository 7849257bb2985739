/** One step of the schema. Statements run in order inside one transaction, on both engines. */
export interface Migration {
  id: number;
  name: string;
  statements: readonly string[];
}
