/**
 * The paper's W_h (the recurrent matrix of the candidate: GRU U_n, LSTM U_g) and cells with it
 * rescaled to a prescribed spectral radius, the hypothesis of Propositions 1.1 and 1.2.
 *
 * @module
 */
import { FactorizedCell, type DenseCell } from '../cells/factorized.js';
import { GruCell } from '../cells/gru.js';
import { LstmCell } from '../cells/lstm.js';
import type { GateWeights } from '../cells/types.js';
import { spectralRadius } from '../linalg/eigenvalues.js';

/** The candidate's recurrent weights of a dense cell: GRU U_n, LSTM U_g (hidden x hidden, row-major). */
export function candidateRecurrent(cell: DenseCell): GateWeights {
  return cell.kind === 'gru' ? (cell as GruCell).weights.n : (cell as LstmCell).weights.g;
}

/** rho(W_h) of a dense or factorized cell (for a factorized cell, the max over blocks). */
export function candidateSpectralRadius(cell: DenseCell | FactorizedCell): number {
  const blocks = cell instanceof FactorizedCell ? cell.blocks : [cell];
  return Math.max(
    ...blocks.map((b) => {
      const u = candidateRecurrent(b).recurrent, h = b.hiddenSize;
      return spectralRadius({ rows: h, cols: h, data: u });
    }),
  );
}

/** A copy of a dense cell with W_h scaled so that rho(W_h) = rho (a W_h with rho 0 is kept). */
export function withCandidateSpectralRadius(cell: DenseCell, rho: number): DenseCell {
  const g = candidateRecurrent(cell);
  const current = candidateSpectralRadius(cell);
  const factor = current === 0 ? 1 : rho / current;
  const scaled: GateWeights = { ...g, recurrent: g.recurrent.map((v) => v * factor) };
  if (cell.kind === 'gru') {
    const w = (cell as GruCell).weights;
    return new GruCell({ ...w, n: scaled });
  }
  const w = (cell as LstmCell).weights;
  return new LstmCell({ ...w, g: scaled });
}
