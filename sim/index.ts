export { startSimulator, type Simulator, type SimulatorOptions, type RoleInput } from './simulator.js';
export { loadScenario, ScenarioError, SCENARIOS_DIR } from './scenario/load.js';
export { ScenarioSchema, type Scenario, type ScenarioInput, type FaultSpec } from './scenario/schema.js';
export { generateExports, type GenerateOptions, type GenerationResult, type CeRow } from './gen/generate.js';
export type {
  GroundTruth,
  TruthExport,
  TruthDailyRow,
  TruthTotals,
  WasteItem,
  WasteRule,
} from './gen/truth.js';
export { instancePrices, type InstancePrice } from './world/prices.js';
export { runSimCommand, registerSimCommand, type SimCommandOptions } from './cli.js';
