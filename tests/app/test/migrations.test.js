'use strict';
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

// Base migrations plus the 1.1.0 overlay (and optional extra files) in a temp dir.
function migrationsDir(extra = {}) {
  const dir = h.tmpdir('migrations-');
  for (const src of [path.join(h.BACKEND, 'migrations'), path.join(h.APP_DIR, 'releases', '1.1.0', 'migrations')]) {
    for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  }
  for (const [name, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

async function snapshot(db) {
  return h.withPg(db, async (c) => ({
    columns: (await c.query(`SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`)).rows,
    indexes: (await c.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")).rows,
    migrations: (await c.query('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')).rows,
  }));
}

const run = (db, dir, cmd) => h.runNode(h.BACKEND, ['bin/migrate.js', cmd], { DATABASE_URL: db, MIGRATIONS_DIR: dir });

describe('migrations', () => {
  test('npm run db:migrate:prod applies all; running again changes nothing', async () => {
    const db = await h.createDatabase('t_mig_twice');
    const dir = migrationsDir();
    const first = await new Promise((resolve) => {
      const p = spawn('npm', ['run', '--silent', 'db:migrate:prod'], {
        cwd: h.BACKEND, env: { ...process.env, ENV_FILE: '/dev/null', DATABASE_URL: db, MIGRATIONS_DIR: dir },
      });
      let out = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { out += d; });
      p.on('close', (code) => resolve({ code, out }));
    });
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /applied 0001_init\.sql/);
    assert.match(first.out, /applied 0002_items_priority\.sql/);
    const before = await snapshot(db);
    assert.deepEqual(before.migrations.map((m) => m.version), ['0001', '0002']);
    assert.ok(before.columns.some((c) => c.table_name === 'items' && c.column_name === 'priority'));

    const second = await run(db, dir, 'up');
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /database is up to date/);
    assert.deepEqual(await snapshot(db), before);
  });

  test('two concurrent migrate processes apply each migration once', async () => {
    const db = await h.createDatabase('t_mig_concurrent');
    const dir = migrationsDir({
      '0003_slow.sql': 'SELECT pg_sleep(1);\nCREATE TABLE slow_marker (id int);\nINSERT INTO slow_marker VALUES (1);\n',
    });
    const [a, b] = await Promise.all([run(db, dir, 'up'), run(db, dir, 'up')]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    const applied = [a.out, b.out].filter((o) => /applied 0003_slow\.sql/.test(o));
    assert.equal(applied.length, 1, `${a.out}\n---\n${b.out}`);
    const snap = await snapshot(db);
    assert.deepEqual(snap.migrations.map((m) => m.version), ['0001', '0002', '0003']);
    const rows = await h.withPg(db, (c) => c.query('SELECT count(*)::int AS n FROM slow_marker'));
    assert.equal(rows.rows[0].n, 1);
  });

  test('rollback reverts only the last migration, and it can be re-applied', async () => {
    const db = await h.createDatabase('t_mig_rollback');
    const dir = migrationsDir();
    assert.equal((await run(db, dir, 'up')).code, 0);
    const userId = await h.createUser(db, 'keep@example.test', 'pw');
    await h.withPg(db, (c) => c.query("INSERT INTO items (user_id, title, priority) VALUES ($1, 'kept', 5)", [userId]));

    const down = await run(db, dir, 'down');
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, /rolled back 0002_items_priority/);
    let snap = await snapshot(db);
    assert.deepEqual(snap.migrations.map((m) => m.version), ['0001']);
    assert.ok(!snap.columns.some((c) => c.column_name === 'priority'));
    const items = await h.withPg(db, (c) => c.query('SELECT title FROM items'));
    assert.deepEqual(items.rows, [{ title: 'kept' }], 'data in other columns survives');

    assert.equal((await run(db, dir, 'up')).code, 0);
    snap = await snapshot(db);
    assert.deepEqual(snap.migrations.map((m) => m.version), ['0001', '0002']);
    assert.ok(snap.columns.some((c) => c.column_name === 'priority'));
  });

  test('a failing migration is rolled back and not recorded', async () => {
    const db = await h.createDatabase('t_mig_fail');
    const dir = migrationsDir({ '0003_bad.sql': 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n' });
    const r = await run(db, dir, 'up');
    assert.equal(r.code, 1);
    assert.match(r.out, /0003_bad\.sql/);
    const snap = await snapshot(db);
    assert.deepEqual(snap.migrations.map((m) => m.version), ['0001', '0002']);
    assert.ok(!snap.columns.some((c) => c.table_name === 'half_done'));
  });

  test('rollback without a down file fails and changes nothing', async () => {
    const db = await h.createDatabase('t_mig_nodown');
    const dir = migrationsDir({ '0003_nodown.sql': 'CREATE TABLE nodown (id int);\n' });
    assert.equal((await run(db, dir, 'up')).code, 0);
    const r = await run(db, dir, 'down');
    assert.equal(r.code, 1);
    assert.match(r.out, /no down migration/);
    assert.equal((await snapshot(db)).migrations.length, 3);
  });

  test('seed creates the demo user and items once; demo login works', async () => {
    const db = await h.createDatabase('t_seed');
    assert.equal((await run(db, migrationsDir(), 'up')).code, 0);
    for (let i = 0; i < 2; i++) {
      const r = await h.runNode(h.BACKEND, ['bin/seed.js'], { DATABASE_URL: db });
      assert.equal(r.code, 0, r.out);
    }
    const counts = await h.withPg(db, (c) => c.query(
      'SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM items) AS items'));
    assert.deepEqual(counts.rows[0], { users: 1, items: 3 });
    const app = await h.startApp({ DATABASE_URL: db });
    try {
      const token = await h.login(app.port, 'demo@aura-flow.local', 'aura-demo-2024');
      const items = await h.request(app.port, { path: '/api/items', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(items.json.items.length, 3);
      assert.equal(items.json.items[0].priority, 0, '1.1.0 column shows through');
    } finally {
      await app.stop();
    }
  });
});
