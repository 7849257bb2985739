/** The Azure simulator: Entra ID, Resource Manager and Monitor over HTTPS, and the Cost Management export generator with its ground truth. */
export { startAzureSimulator, type AzureSimulator } from './server.js';
export { issueToken, readToken, type ServicePrincipal } from './entra.js';
export {
  generateCostLines,
  resourceIdOf,
  reservationIdOf,
  type AzureCostScenario,
  type AzureMeter,
  type AzureReservation,
  type CostLine,
} from './cost-lines.js';
export {
  generateAzureExports,
  type AzureDataset,
  type AzureExportSpec,
  type AzureExportTruth,
  type GeneratedAzureExports,
} from './cost-export.js';
export { azureSmallScenario, azureSmallWorld, AZURE_SMALL_SUBSCRIPTIONS } from './scenarios.js';
export { armIdOf, armWorldOf, type ArmWorld, type ArmVm, type PowerState } from './arm-world.js';
export { ARM_API_VERSIONS } from './arm.js';
