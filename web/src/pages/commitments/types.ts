/** The commitments answers as the page reads them, from the generated API types. */
import type { JsonAnswer, Schemas } from '../../../../src/api-client/client.js';

export type Commitment = Schemas['Commitment'];
export type CommitmentMonth = Schemas['CommitmentMonth'];
export type CoverageRow = Schemas['CommitmentCoverageRow'];
export type Purchase = Schemas['CommitmentPurchase'];
export type CommitmentList = JsonAnswer<'/api/v1/commitments', 'get'>;
export type Utilization = JsonAnswer<'/api/v1/commitments/utilization', 'get'>;
export type Coverage = JsonAnswer<'/api/v1/commitments/coverage', 'get'>;
export type Purchases = JsonAnswer<'/api/v1/commitments/purchases', 'get'>;
