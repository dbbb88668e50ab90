// Serves the release build in dist/ on a free loopback port, from inside the test
// process (TOOLCHAIN.md: a backgrounded python server outlives the test).
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * `gzip`: compress responses as a real host would (the budget's load-time measurement).
 * `files`: a Map of extra paths (`/vendor/manifest.json`) to their bytes, served with CORS
 * as a vendor's own host serves its manifest and firmware; the test may change it between
 * page loads.
 */
export async function serveDist(root, { gzip = false, files = new Map() } = {}) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const extraPath = url.pathname + (url.pathname.endsWith('/') ? 'index.html' : '');
    const extra = files.get(extraPath);
    if (extra !== undefined) {
      const type = TYPES[path.extname(extraPath)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*', 'cache-control': 'no-cache' });
      res.end(extra);
      return;
    }
    // A folder's address serves its index.html (the demo vendor page is /demo-vendor/).
    const rel = decodeURIComponent(url.pathname.slice(1)) + (url.pathname.endsWith('/') ? 'index.html' : '');
    const file = path.join(root, rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
        res.end(gzipSync(body, { level: 9 }));
      } else {
        res.writeHead(200, headers);
        res.end(body);
      }
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}
