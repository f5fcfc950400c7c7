// The package's API reference (TypeDoc, `cd web && npm run docs` → web/docs-api/) under /docs/:
// copied into dist/docs/ by `vite build`, served from web/docs-api/ by the dev server. It is
// regenerated when missing or older than web/src, so the site never ships a stale reference.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const web = fileURLToPath(new URL('../../web', import.meta.url));
const out = join(web, 'docs-api');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureApiDocs(): string {
  const index = join(out, 'index.html');
  if (!existsSync(index) || statSync(index).mtimeMs < newest(join(web, 'src'))) {
    console.log('api-docs: generating the API reference (cd web && npm run docs)');
    // Errors only: `npm run docs` itself lists the warnings (names without docs).
    execFileSync('npm', ['run', 'docs', '--silent', '--', '--logLevel', 'Error'], { cwd: web, stdio: 'inherit' });
  }
  return out;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.woff2': 'font/woff2', '.png': 'image/png',
};

export const apiDocs = (): Plugin => ({
  name: 'webgrad-api-docs',
  configureServer(server) {
    server.middlewares.use('/docs', (req, res, next) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      // TypeDoc's pages link relatively: /docs must end with a slash.
      if (req.originalUrl === '/docs') return void res.writeHead(301, { location: '/docs/' }).end();
      const dir = ensureApiDocs();
      let file = normalize(join(dir, path));
      if (!file.startsWith(dir)) return next();
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) return next();
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
  },
  writeBundle(options) {
    cpSync(ensureApiDocs(), join(options.dir ?? 'dist', 'docs'), { recursive: true });
  },
});
