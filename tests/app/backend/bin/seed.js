#!/usr/bin/env node
'use strict';
// Seeds the demo user (demo@aura-flow.local, password $SEED_PASSWORD or the
// documented default) and a few items. Idempotent: an existing demo user and
// existing items are left as they are.
const { Client } = require('pg');
const { load } = require('../src/config');
const { hashPassword } = require('../src/password');

const DEMO_EMAIL = 'demo@aura-flow.local';
const DEMO_ITEMS = ['Connect the data source', 'Review weekly flow report', 'Invite the team'];

async function seed(config = load(), out = (line) => console.log(line)) {
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(7243002)');
    let { rows } = await client.query('SELECT id FROM users WHERE email = $1', [DEMO_EMAIL]);
    if (!rows.length) {
      ({ rows } = await client.query(
        'INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id',
        [DEMO_EMAIL, 'Demo User', await hashPassword(config.seedPassword)],
      ));
      out(`created ${DEMO_EMAIL}`);
    }
    const userId = rows[0].id;
    const { rows: have } = await client.query('SELECT count(*)::int AS n FROM items WHERE user_id = $1', [userId]);
    if (have[0].n === 0) {
      for (const title of DEMO_ITEMS) {
        await client.query('INSERT INTO items (user_id, title) VALUES ($1, $2)', [userId, title]);
      }
      out(`created ${DEMO_ITEMS.length} demo items`);
    }
    await client.query('COMMIT');
    out('seed done');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  seed().catch((err) => {
    console.error(`seed: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { seed, DEMO_EMAIL };
