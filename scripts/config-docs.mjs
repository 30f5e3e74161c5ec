// Regenerates docs/configuration.md from the config schema (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { configurationMarkdown } from '../dist/config/docs.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationMarkdown());
console.log('wrote docs/configuration.md');
