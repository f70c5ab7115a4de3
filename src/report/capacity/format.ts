/** Number formats of the capacity reports (and of capacity's own sentences, which import them). */

export function rateText(r: number): string {
  const digits = r >= 100 ? 0 : r >= 10 ? 1 : 2;
  return `${r.toFixed(digits)}/s`;
}

export function msText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export function atomsText(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}
