'use strict';
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

describe('health and monitoring', () => {
  let app;
  before(async () => {
    const db = await h.createDatabase('t_health');
    await h.migrate(db);
    app = await h.startApp({ DATABASE_URL: db, APP_VERSION: '9.9.9-test' });
  });
  after(() => app && app.stop());

  test('GET /health is 200 with version, db and redis ok', async () => {
    const r = await h.request(app.port, { path: '/health' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok', version: '9.9.9-test', db: 'ok', redis: 'ok' });
  });

  test('metrics are Prometheus text with counter, histogram and memory', async () => {
    await h.request(app.port, { path: '/health' });
    await h.request(app.port, { path: '/no/such/route' });
    const r = await h.request(app.port, { path: '/monitoring/metrics' });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/plain/);
    assert.match(r.text, /# TYPE http_requests_total counter/);
    assert.match(r.text, /http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    assert.match(r.text, /http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    assert.match(r.text, /# TYPE http_request_duration_seconds histogram/);
    assert.match(r.text, /http_request_duration_seconds_bucket\{method="GET",route="\/health",le="\+Inf"\} \d+/);
    assert.match(r.text, /process_resident_memory_bytes \d+/);
  });

  test('ai-status reports ok with cost and limit', async () => {
    const r = await h.request(app.port, { path: '/monitoring/ai-status' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok', daily_cost: 0, limit: 10 });
  });

  test('requests are logged as JSON lines; 5xx also go to error.log', async () => {
    await h.request(app.port, { path: '/health' });
    await h.waitFor(() => fs.readFileSync(path.join(app.logDir, 'combined.log'), 'utf8').includes('"path":"/health"'));
    const lines = fs.readFileSync(path.join(app.logDir, 'combined.log'), 'utf8').trim().split('\n').map(JSON.parse);
    const entry = lines.find((l) => l.path === '/health');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.responseTime, 'number');
    assert.ok(fs.existsSync(path.join(app.logDir, 'error.log')));
  });
});

describe('health names the failing dependency', () => {
  test('503 with db=fail while PostgreSQL is stopped, ok again after restart', async () => {
    const pg = await h.startPgCluster();
    const app = await h.startApp({ DATABASE_URL: pg.url });
    try {
      assert.equal((await h.request(app.port, { path: '/health' })).status, 200);
      pg.stop();
      const t0 = Date.now();
      const r = await h.request(app.port, { path: '/health' });
      assert.ok(Date.now() - t0 < 3000, 'health answers quickly');
      assert.equal(r.status, 503);
      assert.equal(r.json.db, 'fail');
      assert.equal(r.json.redis, 'ok');
      assert.equal(r.json.status, 'error');
      pg.start();
      await h.waitFor(async () => (await h.request(app.port, { path: '/health' })).status === 200, 10000, 'db recovery');
    } finally {
      await app.stop();
      pg.destroy();
    }
  });

  test('503 with redis=fail while Redis is stopped, ok again after restart', async () => {
    const redis = await h.startRedis();
    const db = await h.createDatabase('t_health_redis');
    const app = await h.startApp({ DATABASE_URL: db, REDIS_URL: redis.url });
    try {
      await h.waitFor(async () => (await h.request(app.port, { path: '/health' })).status === 200, 5000, 'healthy');
      await redis.stop();
      const t0 = Date.now();
      const r = await h.request(app.port, { path: '/health' });
      assert.ok(Date.now() - t0 < 3000, 'health answers quickly');
      assert.equal(r.status, 503);
      assert.equal(r.json.redis, 'fail');
      assert.equal(r.json.db, 'ok');
      await redis.start();
      await h.waitFor(async () => (await h.request(app.port, { path: '/health' })).status === 200, 10000, 'redis recovery');
    } finally {
      await app.stop();
      await redis.destroy();
    }
  });

  test('app starts and reports 503 when Redis is down from the start', async () => {
    const db = await h.createDatabase('t_health_noredis');
    const port = await h.freePort();
    const app = await h.startApp({ DATABASE_URL: db, REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const r = await h.request(app.port, { path: '/health' });
      assert.equal(r.status, 503);
      assert.equal(r.json.redis, 'fail');
    } finally {
      await app.stop();
    }
  });
});
