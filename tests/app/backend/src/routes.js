'use strict';
// Route handlers. Each route: [method, path, handler]; handlers get (req, res, ctx, url).
const crypto = require('node:crypto');
const jwt = require('./jwt');
const { verifyPassword } = require('./password');
const { HttpError, sendJson, readJson, clientIp, createRateLimiter } = require('./http');

// Compared against when the e-mail is unknown, so both cases cost one scrypt.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(64).toString('base64');

// Deterministic stand-in for the AI provider: same input, same insight.
function generateInsight(topic, items) {
  const digest = crypto.createHash('sha256').update(`${topic}|${items.map((i) => i.title).join('|')}`).digest();
  const moods = ['steady progress', 'a backlog worth trimming', 'momentum building', 'a good moment to prioritise'];
  const mood = moods[digest[0] % moods.length];
  const count = items.length;
  return `Insight on "${topic}": ${count} item${count === 1 ? '' : 's'} tracked, which suggests ${mood}.`
    + ` Focus next on "${count ? items[digest[1] % count].title : topic}". (ref ${digest.toString('hex').slice(0, 8)})`;
}

function createRoutes(ctx) {
  const { config, db, redis } = ctx;
  const loginLimiter = createRateLimiter(config.loginRateLimit);

  async function check(ping) {
    try {
      await ping(config.healthTimeoutMs);
      return 'ok';
    } catch {
      return 'fail';
    }
  }

  // Verifies the Bearer token and loads the user; sets req.userId for the log.
  async function authenticate(req) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
    if (!m) throw new HttpError(401, 'unauthorized', 'missing bearer token');
    let payload;
    try {
      payload = jwt.verify(m[1], config.jwtSecret);
    } catch (err) {
      throw new HttpError(401, 'unauthorized', err.message);
    }
    const user = await db.findUserById(Number(payload.sub));
    if (!user) throw new HttpError(401, 'unauthorized', 'unknown user');
    req.userId = user.id;
    if (user.disabled) throw new HttpError(403, 'account_disabled');
    return user;
  }

  async function aiStatus() {
    const dailyCost = await db.dailyCost();
    let status = 'ok';
    if (config.aiDegraded) status = 'degraded';
    else if (dailyCost + config.insightCost > config.dailyCostLimit + 1e-9) status = 'quota_exceeded';
    return { status, daily_cost: dailyCost, limit: config.dailyCostLimit };
  }

  return [
    ['GET', '/health', async (req, res) => {
      const [dbState, redisState] = await Promise.all([check(db.ping), check(redis.ping)]);
      const body = { status: 'ok', version: config.version, db: dbState, redis: redisState };
      if (config.buildFlags.brokenHealth) body.selfcheck = 'fail';
      const healthy = dbState === 'ok' && redisState === 'ok' && !body.selfcheck;
      if (!healthy) body.status = 'error';
      sendJson(res, healthy ? 200 : 503, body);
    }],

    ['GET', '/monitoring/metrics', (req, res) => {
      const text = ctx.metrics.render();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(text);
    }],

    ['GET', '/monitoring/ai-status', async (req, res) => {
      sendJson(res, 200, await aiStatus());
    }],

    ['POST', '/api/auth/login', async (req, res) => {
      const wait = loginLimiter.hit(clientIp(req, config.trustProxy));
      if (wait) {
        req.resume();
        throw new HttpError(429, 'too_many_requests', `retry in ${wait}s`, { 'Retry-After': String(wait) });
      }
      const body = await readJson(req, config.bodyLimit);
      if (typeof body.email !== 'string' || typeof body.password !== 'string') {
        throw new HttpError(400, 'email_and_password_required');
      }
      const user = await db.findUserByEmail(body.email);
      const ok = await verifyPassword(body.password, user ? user.password_hash : DUMMY_HASH);
      if (!user || !ok) throw new HttpError(401, 'invalid_credentials');
      req.userId = user.id;
      if (user.disabled) throw new HttpError(403, 'account_disabled');
      const token = jwt.sign({ sub: String(user.id), email: user.email }, config.jwtSecret, config.jwtExpiresIn);
      sendJson(res, 200, {
        token,
        expires_in: jwt.parseDuration(config.jwtExpiresIn),
        user: { id: user.id, email: user.email, name: user.name },
      });
    }],

    ['GET', '/api/me', async (req, res) => {
      const user = await authenticate(req);
      sendJson(res, 200, { id: user.id, email: user.email, name: user.name, created_at: user.created_at });
    }],

    ['GET', '/api/items', async (req, res) => {
      const user = await authenticate(req);
      sendJson(res, 200, { items: await db.listItems(user.id) });
    }],

    ['POST', '/api/items', async (req, res) => {
      const user = await authenticate(req);
      const body = await readJson(req, config.bodyLimit);
      const title = typeof body.title === 'string' ? body.title.trim() : '';
      if (!title || title.length > 200) throw new HttpError(400, 'title_required', 'title: 1-200 characters');
      sendJson(res, 201, await db.createItem(user.id, title));
    }],

    ['POST', '/api/insights', async (req, res) => {
      const user = await authenticate(req);
      const body = await readJson(req, config.bodyLimit);
      const topic = typeof body.topic === 'string' && body.topic.trim() ? body.topic.trim().slice(0, 200) : 'my work';
      if (config.aiDegraded) {
        sendJson(res, 200, {
          insight: `AI insights are temporarily limited. Tip: review your items on "${topic}" and pick one to finish today.`,
          degraded: true,
          cost: 0,
        });
        return;
      }
      const total = await db.addCost(config.insightCost, config.dailyCostLimit);
      if (total === null) throw new HttpError(429, 'quota_exceeded', 'daily AI cost limit reached');
      const items = await db.listItems(user.id);
      sendJson(res, 200, { insight: generateInsight(topic, items), degraded: false, cost: config.insightCost, daily_cost: total });
    }],

    ...(config.testRoutes ? [
      ['GET', '/api/slow', async (req, res, url) => {
        const ms = Math.min(Math.max(Number(url.searchParams.get('ms')) || 1000, 0), 60000);
        await new Promise((resolve) => setTimeout(resolve, ms));
        sendJson(res, 200, { slept_ms: ms });
      }],
    ] : []),
  ];
}

module.exports = { createRoutes, generateInsight };
