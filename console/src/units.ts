/** Durations in the units a person thinks in; the API keeps seconds. */
export const UNITS = [
  { id: 'days', label: 'days', seconds: 86_400 },
  { id: 'hours', label: 'hours', seconds: 3_600 },
  { id: 'minutes', label: 'minutes', seconds: 60 },
  { id: 'seconds', label: 'seconds', seconds: 1 },
] as const;
export type UnitId = (typeof UNITS)[number]['id'];

export const unitSeconds = (u: UnitId): number => UNITS.find((x) => x.id === u)?.seconds ?? 1;

/** The largest unit that shows the value as a whole number (0 shows in minutes). */
export function bestUnit(seconds: number): { value: number; unit: UnitId } {
  if (seconds === 0) return { value: 0, unit: 'minutes' };
  for (const u of UNITS) if (seconds % u.seconds === 0) return { value: seconds / u.seconds, unit: u.id };
  return { value: seconds, unit: 'seconds' };
}

/** "12 hours", "30 minutes", "1 day 6 hours": for sentences. */
export function describeDuration(seconds: number): string {
  if (seconds === 0) return 'off';
  const parts: string[] = [];
  let rest = seconds;
  for (const u of UNITS) {
    const n = Math.floor(rest / u.seconds);
    if (n > 0) {
      parts.push(`${n} ${n === 1 ? u.label.replace(/s$/, '') : u.label}`);
      rest -= n * u.seconds;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
