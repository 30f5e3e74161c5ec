import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../server/surface.js';

// GraphiQL at /graphiql, served from the npm packages (graphiql's UMD bundle, React 18's) rather
// than a CDN, so the explorer works offline like the admin console, under the same kind of CSP:
// only this origin's files, no inline script, nothing sent elsewhere but to this origin.

const require = createRequire(import.meta.url);

const JS = 'text/javascript; charset=utf-8';
/** The files of the page: name under /graphiql/ → the package, its file, its type. */
const FILES: Record<string, { pkg: string; file: string; type: string }> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: JS },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: JS },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: JS },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
};
/** React's `exports` map hides its UMD files from require.resolve: found from the package's directory. */
const pathOf = (f: { pkg: string; file: string }) => join(dirname(require.resolve(`${f.pkg}/package.json`)), f.file);

/**
 * As the console's, but `style-src 'unsafe-inline'`: GraphiQL's dialogs add a <style> element
 * whose content varies (the scroll lock's padding), so no hash could allow it. Scripts stay
 * 'self' only; its stylesheet's images and fonts are data: URLs.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GraphiQL · sessiond</title>
  <meta name="robots" content="noindex">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <link rel="stylesheet" href="/graphiql/page.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script src="/graphiql/main.js"></script>
</body>
</html>
`;

const PAGE_CSS = 'html, body, #graphiql { height: 100%; margin: 0; }\n';

/** Renders GraphiQL against /graphql; the credential goes in the Headers pane and is not kept in the browser's storage. */
const MAIN = `'use strict';
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).href }),
    defaultHeaders: '{"Authorization": "Bearer <credential secret>"}',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
  }),
);
`;

const own: Record<string, { body: string; type: string }> = {
  'main.js': { body: MAIN, type: JS },
  'page.css': { body: PAGE_CSS, type: 'text/css; charset=utf-8' },
};

/** Serves GraphiQL's page and files (hidden from the OpenAPI document by the surface's onRoute hook). */
export function serveGraphiql(app: App): void {
  // Read on first use (GraphiQL's bundle is 3.5 MB), then kept by this app.
  const loaded = new Map<string, Buffer>();
  const headers = (reply: FastifyReply, type: string) =>
    reply
      .type(type)
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY');

  app.get('/graphiql', (_req, reply) => headers(reply, 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE));
  app.get<{ Params: { file: string } }>('/graphiql/:file', (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const name = req.params.file;
    const mine = Object.hasOwn(own, name) ? own[name] : undefined;
    if (mine) return headers(reply, mine.type).header('cache-control', 'no-cache').send(mine.body);
    const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!file) {
      const error = { message: `no GraphiQL file '${name.slice(0, 100)}'`, extensions: { code: 'NOT_FOUND', requestId: req.id } };
      return reply
        .code(404)
        .type('application/json; charset=utf-8')
        .send({ errors: [error] });
    }
    let body = loaded.get(name);
    if (!body) {
      body = readFileSync(pathOf(file));
      loaded.set(name, body);
    }
    // The packages' versions are pinned: a day's caching is safe, and the bundle is large.
    return headers(reply, file.type).header('cache-control', 'public, max-age=86400').send(body);
  });
}
