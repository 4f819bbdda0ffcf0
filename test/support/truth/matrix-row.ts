// One row of the truth matrix: a user on one domain, a contact on another, what really happened
// both ways, the truth light and the product's light, and whether they agree. Pure.
import { compareLights, type Light } from '../../../src/core/path.ts';
import type { ProductLight } from './product-light.ts';
import { contactVerdict, type TruthVerdict } from './truth-rule.ts';
import type { DirectionTruth } from './types.ts';

export interface MatrixRow {
  user: string;
  contact: string;
  /** The user's message to the contact. */
  there: DirectionTruth;
  /** The contact's reply; null when the contact's name has no server to send from. */
  back: DirectionTruth | null;
  truth: TruthVerdict;
  product: ProductLight;
  /** The product's s2s light as compared: no s2s hop counts as green (nothing crosses the network). */
  productS2s: Light;
  agrees: boolean;
  /** The product's light is greener than the truth: the dangerous kind of disagreement. */
  greener: boolean;
}

export function matrixRow(
  there: DirectionTruth,
  back: DirectionTruth | null,
  product: ProductLight,
): MatrixRow {
  const truth = contactVerdict(there, back);
  const productS2s = product.s2s ?? 'green';
  // One server serving both domains has no network s2s hop (DESIGN §1): a light there is a wrong hop,
  // whatever its colour; and a missing hop where a network link exists hides the link.
  const sameServer = there.sameServer && there.fate.kind === 'delivered';
  const hopRight = sameServer === (product.s2s === null);
  return {
    user: there.from,
    contact: there.to,
    there,
    back,
    truth,
    product,
    productS2s,
    agrees: hopRight && productS2s === truth.light,
    greener: compareLights(productS2s, truth.light) > 0,
  };
}
