'use strict';
// Entry point: wires config, logger, DB, Redis and the HTTP server, and shuts
// down gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight requests
// within SHUTDOWN_TIMEOUT_MS, close pools, exit 0).
const http = require('node:http');
const { load } = require('./config');
const { createLogger } = require('./log');
const { createDb } = require('./db');
const { createRedis } = require('./redis');
const { createMetrics } = require('./metrics');
const { createHandler } = require('./app');

function main() {
  const config = load();
  const log = createLogger(config.logDir);
  if (!config.jwtSecret) {
    log.error('JWT_SECRET must be set in production');
    process.exit(1);
  }
  const state = { shuttingDown: false };
  const db = createDb(config);
  const redis = createRedis(config, log);
  const metrics = createMetrics(config.version);
  const handle = createHandler({ config, log, db, redis, metrics, state });

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log.error('handler crashed', { error: err.stack || String(err) });
      res.destroy();
    });
  });

  server.on('error', (err) => {
    log.error('server error', { error: err.message });
    process.exit(1);
  });

  // Give Redis and PostgreSQL a moment to connect so the first /health is
  // meaningful; listen anyway after 3 s (health then reports what is down).
  const ready = Promise.allSettled([redis.ready(3000), db.ping(3000)]);
  ready.then(() => {
    if (state.shuttingDown) return;
    server.listen(config.port, config.host, () => {
      const addr = server.address();
      log.info('listening', { port: addr.port, version: config.version, env: config.nodeEnv, pid: process.pid });
    });
  });

  async function shutdown(signal) {
    if (state.shuttingDown) return;
    state.shuttingDown = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => {
      log.error('shutdown timeout: closing remaining connections', { timeoutMs: config.shutdownTimeoutMs });
      server.closeAllConnections();
      finish(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    // Idle keep-alive sockets would hold server.close() open; in-flight
    // responses carry Connection: close and their sockets end after them.
    const idle = setInterval(() => server.closeIdleConnections(), 250);
    server.closeIdleConnections();
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      finish(0);
    });
  }

  let finishing = false;
  async function finish(code) {
    if (finishing) return;
    finishing = true;
    const closing = Promise.allSettled([db.close(), redis.close()]);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000))]);
    log.info('stopped', { code });
    await log.close();
    process.exit(code);
  }

  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => log.reopen());
}

if (require.main === module) main();

module.exports = { main };
