/**
 * The provenance graph atombench preloads for the `graph.provenance` read: every atom 2..N derives from
 * `edgesPerAtom` earlier atoms (DERIVED_FROM for even edge numbers, INFLUENCED_BY for odd ones), chosen
 * by a hash of (atom, edge) so the same scenario always builds the same graph. Pure.
 */
export interface ProvenanceEdge {
  from: number;
  to: number;
  tenantId: number;
  type: 'DERIVED_FROM' | 'INFLUENCED_BY';
}

/** A 32-bit integer hash (splitmix-style), as a fraction in [0, 1). */
function unit(a: number, b: number, seed: number): number {
  let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca77) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** The edges out of atom `id` (1-based; atom 1 has none). Targets are distinct and lower than `id`. */
export function provenanceEdges(
  id: number,
  edgesPerAtom: number,
  seed: number,
  tenantId = 0,
): ProvenanceEdge[] {
  const out: ProvenanceEdge[] = [];
  const seen = new Set<number>();
  const n = Math.min(edgesPerAtom, id - 1);
  for (let k = 0; out.length < n && k < 4 * edgesPerAtom + 8; k++) {
    const to = 1 + Math.floor(unit(id, k, seed) * (id - 1));
    if (seen.has(to)) continue;
    seen.add(to);
    out.push({ from: id, to, tenantId, type: out.length % 2 === 0 ? 'DERIVED_FROM' : 'INFLUENCED_BY' });
  }
  return out;
}
