/**
 * Serves the inspector at `GET /_standin/` (and its script and style beside it), from strings compiled
 * into standin: no CDN, nothing fetched from elsewhere, works offline. A strict Content-Security-Policy
 * lets the page load only its own script and style and talk only to its own origin.
 */
import type { ControlRoute } from '../core/control.js';
import { problem } from '../core/errors.js';
import type { Reply } from '../core/reply.js';
import { INSPECTOR_HTML } from './page.js';
import { INSPECTOR_JS } from './script.js';
import { INSPECTOR_CSS } from './style.js';

export const INSPECTOR_PATH = '/_standin/';

const POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, { type: string; body: string }> = {
  '/_standin/': { type: 'text/html; charset=utf-8', body: INSPECTOR_HTML },
  '/_standin/inspector.js': { type: 'text/javascript; charset=utf-8', body: INSPECTOR_JS },
  '/_standin/inspector.css': { type: 'text/css; charset=utf-8', body: INSPECTOR_CSS },
};

export const inspectorRoute: ControlRoute = (request, path) => {
  // Relative links in the page need the trailing slash.
  if (path === '/_standin') return { status: 308, headers: { location: '/_standin/' }, body: null };
  const asset = ASSETS[path];
  if (!asset) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, `GET ${path}`);
  const reply: Reply = {
    status: 200,
    headers: {
      'content-type': asset.type,
      'cache-control': 'no-cache',
      'content-security-policy': POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body: request.method === 'HEAD' ? null : asset.body,
  };
  return reply;
};
