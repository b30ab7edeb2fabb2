'use strict';
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const h = require('./helpers');

const jwt = require(path.join(h.BACKEND, 'src', 'jwt'));
const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');
const hs256 = (data, secret) => crypto.createHmac('sha256', secret).update(data).digest('base64url');

describe('login, JWT and items', () => {
  let app;
  let db;
  let userId;
  before(async () => {
    db = await h.createDatabase('t_auth');
    await h.migrate(db);
    userId = await h.createUser(db, 'alice@example.test', 'correct horse');
    await h.createUser(db, 'mallory@example.test', 'disabled pw', { disabled: true });
    app = await h.startApp({ DATABASE_URL: db, JWT_EXPIRES_IN: '15m', LOGIN_RATE_LIMIT: '100' });
  });
  after(() => app && app.stop());

  const me = (token) => h.request(app.port, { path: '/api/me', headers: { Authorization: `Bearer ${token}` } });

  test('login returns an HS256 token with the configured lifetime', async () => {
    const r = await h.request(app.port, {
      method: 'POST', path: '/api/auth/login', body: { email: 'alice@example.test', password: 'correct horse' },
    });
    assert.equal(r.status, 200, r.text);
    const [header, payload] = r.json.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url')));
    assert.equal(header.alg, 'HS256');
    assert.equal(payload.sub, String(userId));
    assert.equal(payload.exp - payload.iat, 900);
    const m = await me(r.json.token);
    assert.equal(m.status, 200);
    assert.equal(m.json.email, 'alice@example.test');
  });

  test('wrong password and unknown user get 401', async () => {
    for (const body of [{ email: 'alice@example.test', password: 'nope' }, { email: 'nobody@x.test', password: 'x' }]) {
      const r = await h.request(app.port, { method: 'POST', path: '/api/auth/login', body });
      assert.equal(r.status, 401);
      assert.equal(r.json.error, 'invalid_credentials');
    }
    const bad = await h.request(app.port, { method: 'POST', path: '/api/auth/login', body: '{not json' });
    assert.equal(bad.status, 400);
  });

  test('disabled user gets 403 at login and with an older token', async () => {
    const r = await h.request(app.port, {
      method: 'POST', path: '/api/auth/login', body: { email: 'mallory@example.test', password: 'disabled pw' },
    });
    assert.equal(r.status, 403);
    assert.equal(r.json.error, 'account_disabled');
    const bobId = await h.createUser(db, 'bob@example.test', 'pw-bob');
    const token = await h.login(app.port, 'bob@example.test', 'pw-bob');
    await h.withPg(db, (c) => c.query('UPDATE users SET disabled = true WHERE id = $1', [bobId]));
    assert.equal((await me(token)).status, 403);
  });

  describe('JWT rejection', () => {
    let token;
    before(async () => { token = await h.login(app.port, 'alice@example.test', 'correct horse'); });

    test('missing or malformed Authorization is 401', async () => {
      assert.equal((await h.request(app.port, { path: '/api/me' })).status, 401);
      assert.equal((await me('abc.def')).status, 401);
      assert.equal((await me('')).status, 401);
    });

    test('alg none is rejected', async () => {
      const [, payload] = token.split('.');
      for (const alg of ['none', 'None', 'NONE']) {
        assert.equal((await me(`${b64({ alg, typ: 'JWT' })}.${payload}.`)).status, 401);
        assert.equal((await me(`${b64({ alg, typ: 'JWT' })}.${payload}`)).status, 401);
      }
    });

    test('other algorithms are rejected even with a valid HMAC', async () => {
      const [, payload] = token.split('.');
      const header = b64({ alg: 'HS512', typ: 'JWT' });
      assert.equal((await me(`${header}.${payload}.${hs256(`${header}.${payload}`, h.JWT_SECRET)}`)).status, 401);
    });

    test('bad signature is rejected', async () => {
      const [header, payload] = token.split('.');
      assert.equal((await me(`${header}.${payload}.${hs256(`${header}.${payload}`, 'wrong-secret')}`)).status, 401);
      const r = await me(`${header}.${payload}.AAAA`);
      assert.equal(r.status, 401);
      assert.equal(r.json.error, 'unauthorized');
    });

    test('tampered payload is rejected', async () => {
      const [header, payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url'));
      const tampered = b64({ ...claims, sub: '999', exp: claims.exp + 3600 });
      assert.equal((await me(`${header}.${tampered}.${sig}`)).status, 401);
    });

    test('expired token is rejected', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = jwt.sign({ sub: String(userId) }, h.JWT_SECRET, '60s', past);
      assert.equal((await me(expired)).status, 401);
      const fresh = jwt.sign({ sub: String(userId) }, h.JWT_SECRET, '60s');
      assert.equal((await me(fresh)).status, 200);
    });
  });

  test('items: list and create, authenticated only', async () => {
    const token = await h.login(app.port, 'alice@example.test', 'correct horse');
    const auth = { Authorization: `Bearer ${token}` };
    assert.equal((await h.request(app.port, { path: '/api/items' })).status, 401);
    const created = await h.request(app.port, { method: 'POST', path: '/api/items', headers: auth, body: { title: 'first' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.title, 'first');
    const bad = await h.request(app.port, { method: 'POST', path: '/api/items', headers: auth, body: { title: '' } });
    assert.equal(bad.status, 400);
    const list = await h.request(app.port, { path: '/api/items', headers: auth });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((i) => i.title), ['first']);
    const log = require('node:fs').readFileSync(path.join(app.logDir, 'combined.log'), 'utf8');
    assert.match(log, new RegExp(`"path":"/api/items","status":201,"responseTime":[0-9.]+,"userId":${userId}`));
  });
});

describe('login rate limit', () => {
  test('more than LOGIN_RATE_LIMIT attempts per minute from one IP get 429', async () => {
    const db = await h.createDatabase('t_ratelimit');
    await h.migrate(db);
    const app = await h.startApp({ DATABASE_URL: db, LOGIN_RATE_LIMIT: '3' });
    try {
      const attempt = () => h.request(app.port, { method: 'POST', path: '/api/auth/login', body: { email: 'x@y.z', password: 'p' } });
      for (let i = 0; i < 3; i++) assert.equal((await attempt()).status, 401);
      const r = await attempt();
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers['retry-after']) > 0);
      // Other routes are not limited.
      assert.equal((await h.request(app.port, { path: '/health' })).status, 200);
    } finally {
      await app.stop();
    }
  });
});

describe('jwt module', () => {
  test('parseDuration', () => {
    assert.equal(jwt.parseDuration('15m'), 900);
    assert.equal(jwt.parseDuration('24h'), 86400);
    assert.equal(jwt.parseDuration('7d'), 604800);
    assert.equal(jwt.parseDuration('3600'), 3600);
    assert.equal(jwt.parseDuration(60), 60);
    assert.throws(() => jwt.parseDuration('soon'));
    assert.throws(() => jwt.parseDuration('0'));
  });

  test('sign/verify round trip and alternative signature encodings', () => {
    const t = jwt.sign({ sub: '1' }, 's', '1h');
    assert.equal(jwt.verify(t, 's').sub, '1');
    assert.throws(() => jwt.verify(t, 'other'), jwt.JwtError);
    // Changing the last base64url character's unused bits must not pass.
    const [a, b, sig] = t.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1));
    const twin = sig.slice(0, -1) + alphabet[last ^ 1];
    assert.throws(() => jwt.verify(`${a}.${b}.${twin}`, 's'), jwt.JwtError);
  });
});
