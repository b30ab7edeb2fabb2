#!/usr/bin/env node
'use strict';
// Migrations: `node bin/migrate.js up` applies migrations/NNNN_name.sql in order,
// each in its own transaction, recorded in schema_migrations. `down` reverts the
// last applied one with NNNN_name.down.sql. A PostgreSQL advisory lock makes
// concurrent runs (two hosts deploying at once) take turns; the second finds
// nothing left to do.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Client } = require('pg');
const { load } = require('../src/config');

const LOCK_KEY = 7243001; // arbitrary, constant for this application

function listMigrations(dir) {
  return fs.readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f) && !f.endsWith('.down.sql'))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.split('_')[0],
        name: file.replace(/\.sql$/, ''),
        file,
        sql,
        checksum: crypto.createHash('sha256').update(sql).digest('hex'),
      };
    });
}

async function up(client, dir, out) {
  const applied = new Map((await client.query('SELECT version, checksum FROM schema_migrations')).rows
    .map((r) => [r.version, r.checksum]));
  let count = 0;
  for (const m of listMigrations(dir)) {
    if (applied.has(m.version)) {
      if (applied.get(m.version) !== m.checksum) out(`warning: ${m.file} changed since it was applied`);
      continue;
    }
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [m.version, m.name, m.checksum]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`${m.file}: ${err.message}`);
    }
    out(`applied ${m.file}`);
    count += 1;
  }
  out(count ? `${count} migration(s) applied` : 'database is up to date');
}

async function down(client, dir, out) {
  const { rows } = await client.query('SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1');
  if (!rows.length) {
    out('nothing to roll back');
    return;
  }
  const { version, name } = rows[0];
  const file = path.join(dir, `${name}.down.sql`);
  if (!fs.existsSync(file)) throw new Error(`no down migration for ${name} (${file})`);
  await client.query('BEGIN');
  try {
    await client.query(fs.readFileSync(file, 'utf8'));
    await client.query('DELETE FROM schema_migrations WHERE version = $1', [version]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new Error(`${name}.down.sql: ${err.message}`);
  }
  out(`rolled back ${name}`);
}

async function run(command, config = load(), out = (line) => console.log(line)) {
  if (command !== 'up' && command !== 'down') throw new Error('usage: migrate.js up|down');
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await (command === 'up' ? up : down)(client, config.migrationsDir, out);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

if (require.main === module) {
  run(process.argv[2] || 'up').catch((err) => {
    console.error(`migrate: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { run, listMigrations };
