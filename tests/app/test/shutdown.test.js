'use strict';
const { test, describe, before } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const h = require('./helpers');

const canConnect = (port) => new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
});

describe('graceful shutdown', () => {
  let db;
  before(async () => {
    db = await h.createDatabase('t_shutdown');
    await h.migrate(db);
  });

  test('SIGTERM: in-flight request completes, new connections refused, idle keep-alive closed, exit 0', async () => {
    const app = await h.startApp({ DATABASE_URL: db });
    // An idle keep-alive connection must not hold the shutdown open.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await h.request(app.port, { path: '/health', agent })).status, 200);

    const slow = h.request(app.port, { path: '/api/slow?ms=1500' });
    await h.sleep(300);
    const t0 = Date.now();
    app.proc.kill('SIGTERM');
    await h.sleep(200);
    assert.equal(await canConnect(app.port), false, 'listener closed');

    const r = await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { slept_ms: 1500 });
    assert.equal(r.headers.connection, 'close');
    const code = await app.exited;
    const took = Date.now() - t0;
    assert.equal(code, 0, app.output());
    assert.ok(took < 3000, `exited ${took} ms after SIGTERM`);
    assert.match(app.output(), /"msg":"stopped","code":0/);
    agent.destroy();
  });

  test('SIGTERM with no traffic exits promptly', async () => {
    const app = await h.startApp({ DATABASE_URL: db });
    const t0 = Date.now();
    assert.equal(await app.stop(), 0);
    assert.ok(Date.now() - t0 < 2000);
  });

  test('requests still running after SHUTDOWN_TIMEOUT_MS are cut and the exit code is 1', async () => {
    const app = await h.startApp({ DATABASE_URL: db, SHUTDOWN_TIMEOUT_MS: '500' });
    const slow = h.request(app.port, { path: '/api/slow?ms=5000' }).catch((err) => err);
    await h.sleep(200);
    const t0 = Date.now();
    app.proc.kill('SIGTERM');
    const code = await app.exited;
    assert.equal(code, 1);
    assert.ok(Date.now() - t0 < 3000);
    assert.ok((await slow) instanceof Error, 'the cut request fails');
  });

  test('test routes are absent in production unless ENABLE_TEST_ROUTES=1', async () => {
    const prod = await h.startApp({ DATABASE_URL: db, NODE_ENV: 'production' });
    try {
      assert.equal((await h.request(prod.port, { path: '/api/slow?ms=1' })).status, 404);
    } finally {
      await prod.stop();
    }
    const enabled = await h.startApp({ DATABASE_URL: db, NODE_ENV: 'production', ENABLE_TEST_ROUTES: '1' });
    try {
      assert.equal((await h.request(enabled.port, { path: '/api/slow?ms=1' })).status, 200);
    } finally {
      await enabled.stop();
    }
  });

  test('production refuses to start without JWT_SECRET', async () => {
    await assert.rejects(h.startApp({ DATABASE_URL: db, NODE_ENV: 'production', JWT_SECRET: '' }), /exited 1/);
  });
});
