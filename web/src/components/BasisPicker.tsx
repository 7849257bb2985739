import type { ReactNode } from 'react';
import { BASES } from '../cost-view';
import type { CostBasis } from '../types';

/** The cost basis named by an address's `basis` parameter; billed when it names none. */
export function basisParam(params: URLSearchParams): CostBasis {
  return BASES.find((b) => b.id === params.get('basis'))?.id ?? 'billed';
}

/** The label of a cost basis in words ("Net amortized"). */
export function basisLabel(basis: CostBasis): string {
  return BASES.find((b) => b.id === basis)?.label ?? basis;
}

/** "Cost basis": billed, net, amortized or net amortized, each with what it means on hover. */
export function BasisPicker(props: { value: CostBasis; onChange: (basis: CostBasis) => void }): ReactNode {
  return (
    <label className="field">
      <span>Cost basis</span>
      <select
        value={props.value}
        title={BASES.find((b) => b.id === props.value)?.help}
        onChange={(e) => props.onChange(e.target.value as CostBasis)}
      >
        {BASES.map((b) => (
          <option key={b.id} value={b.id} title={b.help}>
            {b.label}
          </option>
        ))}
      </select>
    </label>
  );
}
