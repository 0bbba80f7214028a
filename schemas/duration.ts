/** Durations in documents (`ttl: 8h`). */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `8h`, `1d12h`, `90m` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const re = /([0-9]+)([smhd])/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}
