import { configTable } from './config.js';

/** docs/configuration.md, generated from the config schema (`npm run docs:config`). */
export function configurationMarkdown(): string {
  const rows = configTable().map((r) => `| \`${r.env}\` | \`${r.default}\` | ${r.description.replace(/\|/g, '\\|')} |`);
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/config.ts by `npm run docs:config`; a test fails when this file is stale. -->',
    '',
    'sessiond reads its configuration from environment variables at start and refuses to start, naming each',
    'problem, when a value is invalid. `sessiond serve --help` prints the same table.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
