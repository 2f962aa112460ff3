import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultRegistry, renderConnectorsMarkdown } from './registry.js';

/**
 * docs/connectors.md is generated from the option declarations. Run
 * `node dist/src/connectors/render-docs.js` (after `npx tsc -p .`) to rewrite it;
 * render-docs.test.ts fails while the file is out of date.
 */

/** Absolute path of docs/connectors.md (this file runs from dist/src/connectors/). */
export function connectorsDocPath(): string {
  return fileURLToPath(new URL('../../../docs/connectors.md', import.meta.url));
}

/** The content docs/connectors.md should have. */
export function renderConnectorsDoc(): string {
  return renderConnectorsMarkdown(defaultRegistry());
}

/** The current content of docs/connectors.md, or null when it does not exist. */
export function readConnectorsDoc(): string | null {
  try {
    return readFileSync(connectorsDocPath(), 'utf8');
  } catch {
    return null;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(connectorsDocPath(), renderConnectorsDoc());
  process.stdout.write(`wrote ${connectorsDocPath()}\n`);
}
