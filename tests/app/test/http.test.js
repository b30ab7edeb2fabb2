'use strict';
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
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
    // The server answers from the declared length alone, before any body byte. A raw socket sends only the
    // head, so no client write can race the server's close (node's http client loses the answer on EPIPE).
    const raw = await new Promise((resolve, reject) => {
      const sock = net.connect(app.port, '127.0.0.1', () => {
        sock.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
          + `Content-Length: ${10 * 1024 * 1024 + 1}\r\n\r\n`);
      });
      let text = '';
      sock.setEncoding('utf8');
      sock.setTimeout(5000, () => { sock.destroy(); reject(new Error(`no answer in 5 s: ${JSON.stringify(text)}`)); });
      sock.on('data', (d) => { text += d; if (/\r\n\r\n[\s\S]*\}/.test(text)) { sock.destroy(); resolve(text); } });
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 413 /);
    assert.match(head, /\r\nconnection: close/i);
    assert.equal(JSON.parse(body).error, 'payload_too_large');
  });

  test('a chunked body over 10 MB is refused with 413', async () => {
    // A raw socket sends 1 MB chunks until the answer comes; its own write errors after the server closed
    // do not hide the answer already read.
    const raw = await new Promise((resolve, reject) => {
      let text = '';
      let sent = 0;
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      const sock = net.connect(app.port, '127.0.0.1', () => {
        sock.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
          + 'Transfer-Encoding: chunked\r\n\r\n');
        const pump = () => {
          while (sent < 12 && !text) {
            sent += 1;
            sock.write(`${chunk.length.toString(16)}\r\n`);
            sock.write(chunk);
            if (!sock.write('\r\n')) { sock.once('drain', pump); return; }
          }
        };
        pump();
      });
      sock.setEncoding('utf8');
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer in 10 s after ${sent} MB`)); }, 10000);
      sock.on('close', () => clearTimeout(timer));
      sock.on('data', (d) => { text += d; if (/\r\n\r\n[\s\S]*\}/.test(text)) { sock.destroy(); resolve(text); } });
      sock.on('end', () => resolve(text));
      sock.on('error', (err) => { if (!text) reject(err); });
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 413 /);
    assert.equal(JSON.parse(body).error, 'payload_too_large');
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
