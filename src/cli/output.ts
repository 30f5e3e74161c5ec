/** Prints rows as an aligned table, or as JSON with --json. */
export function print(rows: Record<string, unknown>[], o: { json?: boolean | undefined; columns?: string[] }): void {
  if (o.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const columns = o.columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => cell(r[c])))}\n`);
}

export function printObject(obj: unknown, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(obj, null, 2)}\n`);
    return;
  }
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    process.stdout.write(`${k.padEnd(26)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}\n`);
  }
}

/**
 * A reader that went away (`sessiond users list | head -2`) ends the command quietly with status 0,
 * as Unix tools do; Node ignores SIGPIPE, so the write fails with EPIPE instead.
 */
export function endQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // Any other failure to write output cannot be reported either: exit with a failure status.
      process.exit(e.code === 'EPIPE' ? 0 : 1);
    });
  }
}
