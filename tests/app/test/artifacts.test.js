'use strict';
// Builds the release artifacts with build.sh and runs them like a deploy would:
// unpack into releases/<version>/, link the shared .env, migrate, start, check.
const { test, describe, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const BUILD = path.join(h.APP_DIR, 'build.sh');

function build(distDir, versions) {
  execFileSync(BUILD, versions, { env: { ...process.env, DIST_DIR: distDir }, stdio: 'pipe' });
}

function unpack(distDir, name, version, root) {
  const dir = path.join(root, 'releases', version);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(distDir, `${name}-${version}.tar.gz`), '-C', dir]);
  return dir;
}

function npmRun(cwd, script) {
  const env = { ...process.env };
  for (const k of ['ENV_FILE', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'PORT']) delete env[k];
  const r = spawnSync('npm', ['run', '--silent', script], { cwd, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return r.stdout;
}

describe('release artifacts', () => {
  let dist;
  let root;
  before(() => {
    dist = h.tmpdir('dist-');
    root = h.tmpdir('opt-aura-flow-');
    build(dist, ['all']);
  });

  test('sidecars verify with sha256sum -c; manifests name the version', () => {
    const sidecars = fs.readdirSync(dist).filter((f) => f.endsWith('.sha256')).sort();
    assert.equal(sidecars.length, 6);
    for (const f of sidecars) {
      assert.match(fs.readFileSync(path.join(dist, f), 'utf8'), /^[0-9a-f]{64} {2}aura-flow-\S+\.tar\.gz\n$/);
    }
    execFileSync('sha256sum', ['-c', ...sidecars], { cwd: dist, stdio: 'pipe' });
    for (const v of ['1.0.0', '1.1.0', 'broken']) {
      for (const part of ['backend', 'frontend']) {
        const m = JSON.parse(fs.readFileSync(path.join(dist, `aura-flow-${part}-${v}.manifest.json`), 'utf8'));
        assert.equal(m.version, v);
        assert.equal(m.name, `aura-flow-${part}`);
        assert.match(m.build_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(m.git_revision);
      }
    }
  });

  test('rebuilding gives identical sha256', () => {
    const again = h.tmpdir('dist-again-');
    build(again, ['1.1.0']);
    for (const f of ['aura-flow-backend-1.1.0.tar.gz.sha256', 'aura-flow-frontend-1.1.0.tar.gz.sha256']) {
      assert.equal(fs.readFileSync(path.join(again, f), 'utf8'), fs.readFileSync(path.join(dist, f), 'utf8'), f);
    }
  });

  test('archives have files at the root; backend has production node_modules and its version', () => {
    const list = execFileSync('tar', ['-tzf', path.join(dist, 'aura-flow-backend-1.0.0.tar.gz')], { encoding: 'utf8' }).split('\n');
    for (const f of ['package.json', 'manifest.json', 'src/server.js', 'bin/migrate.js', 'node_modules/pg/package.json']) {
      assert.ok(list.includes(f), f);
    }
    assert.ok(!list.some((f) => f.startsWith('./') || f.startsWith('/')));
    assert.ok(!list.some((f) => /^migrations\/0002/.test(f)), '1.0.0 has no 0002 migration');
    const fe = execFileSync('tar', ['-tzf', path.join(dist, 'aura-flow-frontend-1.0.0.tar.gz')], { encoding: 'utf8' });
    assert.match(fe, /^index\.html$/m);
    assert.match(fe, /^assets\/app\.[0-9a-f]{10}\.js$/m);
    assert.match(fe, /^assets\/style\.[0-9a-f]{10}\.css$/m);
  });

  test('1.1.0 deploys: shared .env, npm run db:migrate:prod + db:seed, health 200 with its version', async () => {
    const db = await h.createDatabase('t_artifact');
    const shared = path.join(root, 'shared');
    fs.mkdirSync(shared, { recursive: true });
    fs.writeFileSync(path.join(shared, '.env'), [
      `DATABASE_URL=${db}`, `REDIS_URL=${h.REDIS_URL}`, 'JWT_SECRET="from shared env file"', 'PORT=0', 'HOST=127.0.0.1',
      'NODE_ENV=production', `LOG_DIR=${path.join(shared, 'logs')}`, '',
    ].join('\n'));
    const dir = unpack(dist, 'aura-flow-backend', '1.1.0', root);
    fs.symlinkSync(path.join(shared, '.env'), path.join(dir, '.env'));
    assert.match(npmRun(dir, 'db:migrate:prod'), /applied 0002_items_priority\.sql/);
    assert.match(npmRun(dir, 'db:migrate:prod'), /up to date/);
    npmRun(dir, 'db:seed');

    const unset = { ENV_FILE: null, DATABASE_URL: null, REDIS_URL: null, JWT_SECRET: null, PORT: null, HOST: null, LOG_DIR: null, NODE_ENV: null };
    const app = await h.startApp(unset, dir);
    try {
      const r = await h.request(app.port, { path: '/health' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.version, '1.1.0');
      const token = await h.login(app.port, 'demo@aura-flow.local', 'aura-demo-2024');
      const items = await h.request(app.port, { path: '/api/items', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(items.json.items[0].priority, 0);
      assert.equal((await h.request(app.port, { path: '/api/slow?ms=1' })).status, 404, 'no test routes in production');
      assert.ok(fs.existsSync(path.join(shared, 'logs', 'combined.log')));
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });

  test('the broken build starts, then answers /health 503', async () => {
    const db = await h.createDatabase('t_artifact_broken');
    const dir = unpack(dist, 'aura-flow-backend', 'broken', root);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version, 'broken');
    assert.equal((await h.migrate(db, {}, dir)).code, 0);
    const app = await h.startApp({ DATABASE_URL: db, NODE_ENV: 'production' }, dir);
    try {
      const r = await h.request(app.port, { path: '/health' });
      assert.equal(r.status, 503);
      assert.equal(r.json.version, 'broken');
      assert.equal(r.json.selfcheck, 'fail');
      assert.equal(r.json.db, 'ok');
      assert.equal(r.json.redis, 'ok');
    } finally {
      await app.stop();
    }
  });

  test('frontend index.html references its hashed assets and shows its version', () => {
    const dir = unpack(dist, 'aura-flow-frontend', '1.1.0', path.join(root, 'frontend'));
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const js = /src="\/(assets\/app\.[0-9a-f]{10}\.js)"/.exec(html);
    const css = /href="\/(assets\/style\.[0-9a-f]{10}\.css)"/.exec(html);
    assert.ok(js && css, html);
    assert.ok(fs.existsSync(path.join(dir, js[1])));
    assert.ok(fs.existsSync(path.join(dir, css[1])));
    assert.match(html, /content="1\.1\.0"/);
    assert.match(html, /id="login-form"/);
    assert.match(fs.readFileSync(path.join(dir, js[1]), 'utf8'), /fetch\('\/health'/);
  });
});
