'use strict';
// The request handler: CORS, routing, error mapping, access log and metrics.
const { HttpError, sendJson, applyCors, preflight } = require('./http');
const { createRoutes } = require('./routes');

function createHandler(ctx) {
  const { config, log, metrics, state } = ctx;
  const table = new Map(); // path -> Map(method -> handler)
  for (const [method, path, fn] of createRoutes(ctx)) {
    if (!table.has(path)) table.set(path, new Map());
    table.get(path).set(method, fn);
  }

  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    let url;
    try {
      url = new URL(req.url, 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    const methods = table.get(url.pathname);
    const route = methods ? url.pathname : 'unmatched';

    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(req.method, route, res.statusCode, seconds);
      log.request({
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        responseTime: Math.round(seconds * 1e6) / 1e3,
        ...(req.userId !== undefined ? { userId: req.userId } : {}),
        ip: req.socket.remoteAddress,
      });
    });

    // While shutting down (also for requests that began before), ask clients
    // not to reuse this connection.
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      if (state.shuttingDown) res.setHeader('Connection', 'close');
      return writeHead.apply(this, args);
    };
    const corsAllowed = applyCors(req, res, config.corsOrigins);

    try {
      if (req.method === 'OPTIONS') {
        req.resume();
        preflight(req, res, corsAllowed);
        return;
      }
      if (!methods) throw new HttpError(404, 'not_found');
      const fn = methods.get(req.method === 'HEAD' ? 'GET' : req.method);
      if (!fn) throw new HttpError(405, 'method_not_allowed', null, { Allow: [...methods.keys()].join(', ') });
      await fn(req, res, url);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) log.error('unhandled error', { method: req.method, path: url.pathname, error: err.stack || String(err) });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers = { ...(err.headers || {}) };
      if (status === 413) headers.Connection = 'close';
      const body = { error: err.code || 'internal_error' };
      if (status !== 500 && err.message && err.message !== err.code) body.message = err.message;
      sendJson(res, status, body, headers);
    }
  };
}

module.exports = { createHandler };
