// Command-line flags the benchmarks share (bench/introspect.mjs, bench/soak.mjs): a bad value
// ends the run with a usage error (exit code 2) before anything starts.

/** Ends the run with `message` and exit code 2. */
export function usageError(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** The integer `--name` of parsed `flags` (underscores allowed: 100_000), at least `min`; `fallback` when absent. */
export function intFlag(flags, name, fallback, min = 1) {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) usageError(`--${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

/** The repeated `--env SESSIOND_NAME=value` flags as settings for sessiond. */
export function serverEnvFlags(list = []) {
  return Object.fromEntries(
    list.map((kv) => {
      const i = kv.indexOf('=');
      if (i < 1 || !kv.startsWith('SESSIOND_')) usageError(`--env takes SESSIOND_NAME=value, got '${kv}'`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}
