'use strict';
// PostgreSQL pool plus the few queries the app needs.
const { Pool } = require('pg');

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function createDb(config) {
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30000,
  });
  // An idle client losing its connection (DB restart) must not crash the process.
  pool.on('error', () => {});

  const query = (text, params) => pool.query(text, params);

  return {
    pool,
    query,
    ping: (ms) => withTimeout(query('SELECT 1'), ms, 'db'),

    async findUserByEmail(email) {
      const { rows } = await query(
        'SELECT id, email, name, password_hash, disabled FROM users WHERE lower(email) = lower($1)',
        [email],
      );
      return rows[0] || null;
    },

    async findUserById(id) {
      const { rows } = await query('SELECT id, email, name, disabled, created_at FROM users WHERE id = $1', [id]);
      return rows[0] || null;
    },

    async listItems(userId) {
      const { rows } = await query('SELECT * FROM items WHERE user_id = $1 ORDER BY id', [userId]);
      return rows;
    },

    async createItem(userId, title) {
      const { rows } = await query('INSERT INTO items (user_id, title) VALUES ($1, $2) RETURNING *', [userId, title]);
      return rows[0];
    },

    async dailyCost() {
      const { rows } = await query('SELECT cost FROM ai_usage WHERE day = CURRENT_DATE');
      return rows[0] ? Number(rows[0].cost) : 0;
    },

    // Atomically adds `cost` to today's spend unless that would exceed `limit`.
    // Returns the new total, or null when the quota would be exceeded.
    async addCost(cost, limit) {
      const { rows } = await query(
        `INSERT INTO ai_usage (day, cost, requests)
           SELECT CURRENT_DATE, $1::numeric, 1 WHERE $1::numeric <= $2::numeric
         ON CONFLICT (day) DO UPDATE
           SET cost = ai_usage.cost + EXCLUDED.cost, requests = ai_usage.requests + 1
           WHERE ai_usage.cost + EXCLUDED.cost <= $2::numeric
         RETURNING cost`,
        [cost, limit],
      );
      return rows[0] ? Number(rows[0].cost) : null;
    },

    close: () => pool.end(),
  };
}

module.exports = { createDb, withTimeout };
