'use strict';
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

async function setup(name, env) {
  const db = await h.createDatabase(name);
  await h.migrate(db);
  await h.createUser(db, 'ai@example.test', 'pw');
  const app = await h.startApp({ DATABASE_URL: db, ...env });
  const token = await h.login(app.port, 'ai@example.test', 'pw');
  const insight = (topic) => h.request(app.port, {
    method: 'POST', path: '/api/insights', headers: { Authorization: `Bearer ${token}` }, body: { topic },
  });
  const status = async () => (await h.request(app.port, { path: '/monitoring/ai-status' })).json;
  return { db, app, insight, status };
}

describe('insights', () => {
  test('cost accrues per insight; over DAILY_COST_LIMIT answers 429 quota_exceeded', async () => {
    const { app, insight, status } = await setup('t_insights', { DAILY_COST_LIMIT: '0.12', AI_INSIGHT_COST: '0.05' });
    try {
      assert.equal((await h.request(app.port, { method: 'POST', path: '/api/insights', body: {} })).status, 401);
      const first = await insight('planning');
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.degraded, false);
      assert.match(first.json.insight, /planning/);
      assert.equal(first.json.daily_cost, 0.05);
      assert.equal((await insight('planning')).json.insight, first.json.insight, 'deterministic');
      assert.deepEqual(await status(), { status: 'quota_exceeded', daily_cost: 0.1, limit: 0.12 });
      const over = await insight('planning');
      assert.equal(over.status, 429);
      assert.equal(over.json.error, 'quota_exceeded');
      assert.equal((await status()).daily_cost, 0.1, 'refused requests cost nothing');
    } finally {
      await app.stop();
    }
  });

  test('concurrent insights never exceed the limit', async () => {
    const { app, insight, status } = await setup('t_insights_race', { DAILY_COST_LIMIT: '0.5', AI_INSIGHT_COST: '0.1' });
    try {
      const results = await Promise.all(Array.from({ length: 12 }, () => insight('x')));
      assert.equal(results.filter((r) => r.status === 200).length, 5);
      assert.equal(results.filter((r) => r.status === 429).length, 7);
      assert.equal((await status()).daily_cost, 0.5);
    } finally {
      await app.stop();
    }
  });

  test('AI_DEGRADED=true answers a free fallback, even over quota', async () => {
    const { app, db, insight, status } = await setup('t_insights_degraded', { AI_DEGRADED: 'true', DAILY_COST_LIMIT: '1' });
    try {
      await h.withPg(db, (c) => c.query("INSERT INTO ai_usage (day, cost, requests) VALUES (CURRENT_DATE, 5, 100)"));
      const r = await insight('anything');
      assert.equal(r.status, 200);
      assert.equal(r.json.degraded, true);
      assert.equal(r.json.cost, 0);
      assert.deepEqual(await status(), { status: 'degraded', daily_cost: 5, limit: 1 });
    } finally {
      await app.stop();
    }
  });
});
