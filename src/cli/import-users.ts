import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { parse } from 'csv-parse';
import { DomainError } from '../core/errors.js';
import { UserService } from '../core/users.js';
import { type Api, ApiError } from './api.js';

/**
 * What an import did. Every reason reads `<code>: <message>`, the code being the native API's
 * error code (`invalid_argument`, `already_exists`, `not_found`, …), so the same failure reads
 * the same whether the file's checks or the server refused the row.
 */
export interface ImportResult {
  created: number;
  /** Rows whose login name was taken, left alone with --skip-existing. */
  skipped: number;
  rejected: { row: number; loginName: string | null; code: string; reason: string }[];
}

/** Reads users from CSV (with a header row) or JSON Lines (`.jsonl`/`.ndjson`), one row at a time. */
async function* readRows(file: string): AsyncGenerator<{ row: number; value: unknown; error?: string }> {
  if (/\.(jsonl|ndjson)$/i.test(file)) {
    let row = 0;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
      row++;
      if (!line.trim()) continue;
      try {
        yield { row, value: JSON.parse(line) };
      } catch {
        yield { row, value: null, error: 'the line is not valid JSON' };
      }
    }
    return;
  }
  const parser = createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }));
  let row = 1; // the header is row 1
  for await (const rec of parser as AsyncIterable<Record<string, string>>) {
    row++;
    // Empty CSV cells mean "not given".
    yield { row, value: Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== '')) };
  }
}

const countLines = async (file: string) => {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) if (line.trim()) n++;
  return /\.(jsonl|ndjson)$/i.test(file) ? n : Math.max(0, n - 1);
};

/**
 * Imports users: each row is checked with the core's rules first, then created through
 * the API, a few at a time (argon2 hashing bounds the rate). Bad rows are collected with
 * their reasons; good rows are not held back by them. A failure that is not about the row
 * (the server went away) ends the import with that error once the rows in flight are done.
 */
export async function importUsers(
  api: Api,
  file: string,
  o: { organizationId?: string | undefined; concurrency: number; progress: boolean; skipExisting: boolean },
): Promise<ImportResult> {
  const total = await countLines(file);
  const bar = o.progress
    ? new cliProgress.SingleBar(
        { format: 'importing |{bar}| {value}/{total} rows  {eta_formatted} left  {rejected} rejected', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0, { rejected: 0 });
  const result: ImportResult = { created: 0, skipped: 0, rejected: [] };
  const inFlight = new Set<Promise<void>>();
  let fatal: { error: unknown } | null = null;
  const reject = (row: number, loginName: string | null, code: string, message: string) => {
    result.rejected.push({ row, loginName, code, reason: `${code}: ${message}` });
  };
  for await (const { row, value, error } of readRows(file)) {
    if (fatal) break;
    const loginName = typeof (value as { loginName?: unknown })?.loginName === 'string' ? (value as { loginName: string }).loginName : null;
    const done = () => bar?.increment(1, { rejected: result.rejected.length });
    if (error) {
      reject(row, loginName, 'invalid_argument', error);
      done();
      continue;
    }
    const user =
      o.organizationId && value && typeof value === 'object' && !('organizationId' in value) ? { ...value, organizationId: o.organizationId } : value;
    try {
      UserService.validateNew(user);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      reject(row, loginName, e.code, e.issues.map((i) => `${i.field} ${i.message}`).join('; ') || e.message);
      done();
      continue;
    }
    const p: Promise<void> = api
      .call('POST', '/v1/users', user)
      .then(() => {
        result.created++;
      })
      .catch((e: unknown) => {
        if (!(e instanceof ApiError)) fatal ??= { error: e };
        else if (e.code === 'already_exists' && o.skipExisting) result.skipped++;
        else reject(row, loginName, e.code, e.reason);
      })
      .finally(() => {
        inFlight.delete(p);
        done();
      });
    inFlight.add(p);
    if (inFlight.size >= o.concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  bar?.stop();
  if (fatal) throw (fatal as { error: unknown }).error;
  result.rejected.sort((a, b) => a.row - b.row);
  return result;
}
