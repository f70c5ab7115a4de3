import { rateText } from './format.ts';
import type { CapacityDocument } from '../../model/capacity.ts';

/** The terminal's table of capacity steps (one line each) and the answers, plain text. */
export function renderCapacityTerminal(d: CapacityDocument): string {
  const lines: string[] = [];
  const s = d.search;
  if (s) {
    lines.push('rate search:', '  step  phase     trial  offered   achieved  p95 ms   dropped  verdict');
    for (const st of s.steps)
      lines.push(
        `  ${String(st.index).padStart(4)}  ${st.phase.padEnd(8)}  ${String(st.trial).padStart(5)}  ${rateText(st.offeredRatePerSec).padStart(8)}  ${rateText(st.achievedRatePerSec).padStart(8)}  ${st.totalLatencyMs.p95.toFixed(1).padStart(7)}  ${String(st.dropped).padStart(7)}  ${st.verdict}`,
      );
    lines.push(`  ${s.summary}`);
  }
  if (d.sweep) {
    lines.push('scale sweep:');
    for (const p of d.sweep.points)
      lines.push(
        `  ${p.atoms.toLocaleString('en-US').padStart(12)} atoms  ${Object.entries(p.latencyMs)
          .map(([op, l]) => `${op} p95 ${l.p95.toFixed(2)} ms`)
          .join(', ')}  digest ${p.storedDigest?.slice(0, 12) ?? 'n/a'}`,
      );
    for (const f of d.sweep.fits)
      lines.push(
        `  ${f.op} ${f.stat}: latency ~ atoms^${f.slope.toFixed(3)} (R² ${f.r2?.toFixed(3) ?? 'n/a'}, ${f.points} sizes)${f.predictions.map((p) => `; ${p.atoms.toLocaleString('en-US')}: ${p.latencyMs.toFixed(2)} ms (extrapolated)`).join('')}`,
      );
    if (d.sweep.growthExact !== null)
      lines.push(`  grown dataset equals a fresh seed: ${d.sweep.growthExact ? 'yes' : 'NO'}`);
  }
  if (d.ooda) lines.push(`OODA: ${d.ooda.summary}`);
  return `${lines.join('\n')}\n`;
}
