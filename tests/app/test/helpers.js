'use strict';
// Test helpers: real PostgreSQL/Redis from run-tests.sh, spawning the app,
// plain HTTP requests, extra throwaway servers for outage tests.
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const APP_DIR = path.resolve(__dirname, '..');
const BACKEND = path.join(APP_DIR, 'backend');
const { Client } = require(path.join(BACKEND, 'node_modules', 'pg'));
const { hashPassword } = require(path.join(BACKEND, 'src', 'password'));

const PG_URL = process.env.TEST_PG_URL;
const REDIS_URL = process.env.TEST_REDIS_URL;
if (!PG_URL || !REDIS_URL) throw new Error('TEST_PG_URL/TEST_REDIS_URL unset: run tests via tests/app/run-tests.sh');
const PG_BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
const JWT_SECRET = 'test-secret-0123456789abcdef';

const tmpdir = (prefix) => fs.mkdtempSync(path.join(process.env.TEST_TMP || os.tmpdir(), prefix));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function withPg(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// A fresh database in the shared throwaway cluster; returns its URL.
async function createDatabase(name) {
  await withPg(`${PG_URL}/postgres`, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return `${PG_URL}/${name}`;
}

// Runs an npm-script equivalent (bin/migrate.js, bin/seed.js) in `appDir`.
function runNode(appDir, args, env) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, args, {
      cwd: appDir,
      env: { ...baseEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('close', (code) => resolve({ code, out }));
  });
}

async function migrate(databaseUrl, env = {}, appDir = BACKEND) {
  const r = await runNode(appDir, ['bin/migrate.js', 'up'], { DATABASE_URL: databaseUrl, ...env });
  assert.equal(r.code, 0, r.out);
  return r;
}

function baseEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(AI_|APP_|CORS_|DAILY_|JWT_|LOGIN_|SEED_)/.test(k)) delete env[k];
  return { ...env, ENV_FILE: '/dev/null', NODE_ENV: 'test' };
}

// Starts the backend (src/server.js of `appDir`) on a free port; env values of null are unset.
async function startApp(env = {}, appDir = BACKEND) {
  const logDir = env.LOG_DIR || tmpdir('logs-');
  const fullEnv = { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', REDIS_URL, JWT_SECRET, LOG_DIR: logDir, ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === null) delete fullEnv[k]; // null = unset
  const proc = spawn(process.execPath, ['src/server.js'], { cwd: appDir, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${output}`)), 10000);
    proc.stdout.on('data', (d) => {
      output += d;
      const m = /"msg":"listening","port":(\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.stderr.on('data', (d) => { output += d; });
    exited.then((code) => { clearTimeout(timer); reject(new Error(`app exited ${code}:\n${output}`)); });
  });
  return {
    port,
    proc,
    logDir,
    exited,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

// One HTTP request on a fresh connection. Resolves { status, headers, text, json }.
function request(port, { method = 'GET', path: p = '/', headers = {}, body, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    let data = body;
    const h = { ...headers };
    if (data !== undefined && typeof data !== 'string' && !Buffer.isBuffer(data)) {
      data = JSON.stringify(data);
      h['Content-Type'] = h['Content-Type'] || 'application/json';
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function createUser(databaseUrl, email, password, { disabled = false, name = 'Test User' } = {}) {
  const hash = await hashPassword(password);
  return withPg(databaseUrl, async (c) => {
    const { rows } = await c.query(
      `INSERT INTO users (email, name, password_hash, disabled) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled = EXCLUDED.disabled
       RETURNING id`,
      [email, name, hash, disabled],
    );
    return rows[0].id;
  });
}

async function login(port, email, password) {
  const r = await request(port, { method: 'POST', path: '/api/auth/login', body: { email, password } });
  assert.equal(r.status, 200, r.text);
  return r.json.token;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(fn, timeoutMs = 10000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch { /* retry */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// An extra PostgreSQL cluster of its own (for outage tests): { url, start(), stop() }.
async function startPgCluster() {
  const dir = tmpdir('pg-extra-');
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const asPg = process.getuid && process.getuid() === 0;
  if (asPg) execFileSync('chown', ['postgres', data, dir]);
  const run = (bin, args) => execFileSync(asPg ? 'runuser' : bin,
    asPg ? ['-u', 'postgres', '--', bin, ...args] : args, { cwd: dir, stdio: 'pipe' });
  run(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-locale', '--no-sync']);
  const port = await freePort();
  const ctl = path.join(PG_BIN, 'pg_ctl');
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`;
  const cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run(ctl, ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', opts, 'start']),
    stop: () => run(ctl, ['-D', data, '-m', 'immediate', '-w', 'stop']),
    destroy() {
      try { cluster.stop(); } catch { /* not running */ }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

// An extra redis-server of its own: { url, start(), stop() }.
async function startRedis() {
  const port = await freePort();
  const dir = tmpdir('redis-extra-');
  let proc = null;
  const r = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--dir', dir], { stdio: 'ignore' });
      await waitFor(() => new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
        s.on('error', () => resolve(false));
      }), 5000, 'redis');
    },
    async stop() {
      if (!proc) return;
      const p = proc;
      proc = null;
      const done = new Promise((resolve) => p.on('exit', resolve));
      p.kill('SIGKILL');
      await done;
    },
    async destroy() {
      await r.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}

module.exports = {
  APP_DIR, BACKEND, PG_URL, REDIS_URL, JWT_SECRET,
  tmpdir, sleep, withPg, createDatabase, runNode, migrate, startApp, request,
  createUser, login, freePort, waitFor, startPgCluster, startRedis,
};
