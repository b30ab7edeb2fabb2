'use strict';
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const h = require('./helpers');

const ALLOWED = 'https://app.aura-flow.test';
const ALLOWED2 = 'http://localhost:5173';

describe('CORS and body limit', () => {
  let app;
  before(async () => {
    const db = await h.createDatabase('t_http');
    await h.migrate(db);
    app = await h.startApp({ DATABASE_URL: db, CORS_ORIGIN: `${ALLOWED}, ${ALLOWED2}` });
  });
  after(() => app && app.stop());

  test('listed origin gets ACAO (exact), credentials and Vary: Origin', async () => {
    for (const origin of [ALLOWED, ALLOWED2]) {
      const r = await h.request(app.port, { path: '/health', headers: { Origin: origin } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['access-control-allow-origin'], origin);
      assert.equal(r.headers['access-control-allow-credentials'], 'true');
      assert.match(r.headers.vary, /Origin/);
    }
  });

  test('other origins, look-alikes and no origin get no ACAO', async () => {
    const others = ['https://evil.test', `${ALLOWED}.evil.test`, 'http://app.aura-flow.test', `${ALLOWED}:443`,
      'https://APP.aura-flow.test', 'null', `${ALLOWED}/`];
    for (const origin of others) {
      const r = await h.request(app.port, { path: '/health', headers: { Origin: origin } });
      assert.equal(r.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(r.headers['access-control-allow-credentials'], undefined, origin);
      assert.match(r.headers.vary, /Origin/);
    }
    const none = await h.request(app.port, { path: '/health' });
    assert.equal(none.headers['access-control-allow-origin'], undefined);
  });

  test('preflight: 204 with methods and headers for an allowed origin', async () => {
    const r = await h.request(app.port, {
      method: 'OPTIONS',
      path: '/api/items',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers['access-control-allow-origin'], ALLOWED);
    assert.match(r.headers['access-control-allow-methods'], /POST/);
    assert.match(r.headers['access-control-allow-headers'], /Authorization/);
    assert.match(r.headers['access-control-allow-headers'], /Content-Type/);
  });

  test('preflight from another origin gets no CORS grant', async () => {
    const r = await h.request(app.port, {
      method: 'OPTIONS', path: '/api/items', headers: { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal(r.headers['access-control-allow-methods'], undefined);
  });

  test('a body over 10 MB is refused with 413 (Content-Length declared)', async () => {
    // The server answers 413 as soon as it reads the declared length and closes the connection, so the
    // client may still be writing the body then (EPIPE/ECONNRESET on its side): what counts is the answer.
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
    const r = await new Promise((resolve, reject) => {
      let answered = false;
      const req = http.request({ host: '127.0.0.1', port: app.port, method: 'POST', path: '/api/auth/login', agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': big.length } }, (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
      });
      req.on('error', (err) => {
        if (answered || !['EPIPE', 'ECONNRESET'].includes(err.code)) {
          if (!answered) reject(err);
          return;
        }
        setTimeout(() => { if (!answered) reject(err); }, 2000);  // the answer may still be on its way
      });
      req.end(big);
    });
    assert.equal(r.status, 413);
    assert.equal(r.json.error, 'payload_too_large');
  });

  test('a chunked body over 10 MB is refused with 413', async () => {
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: app.port, method: 'POST', path: '/api/auth/login',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 11) {
          sent += 1;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
  });

  test('a body just under the limit is read (and then judged on content)', async () => {
    const body = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(10 * 1024 * 1024 - 100) });
    const r = await h.request(app.port, { method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json' }, body });
    assert.equal(r.status, 401);
  });

  test('unknown route 404, wrong method 405', async () => {
    assert.equal((await h.request(app.port, { path: '/nope' })).status, 404);
    const r = await h.request(app.port, { method: 'DELETE', path: '/health' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'GET');
  });
});
