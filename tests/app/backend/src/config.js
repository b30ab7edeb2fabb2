'use strict';
// Configuration: process environment first, then a .env file (ENV_FILE, or
// ./.env in the working directory, or .env beside package.json).
// Values already in the environment win over the file, like dotenv.
const fs = require('node:fs');
const path = require('node:path');

const APP_ROOT = path.resolve(__dirname, '..');

function parseEnvFile(text) {
  const out = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[m[1]] = value;
  }
  return out;
}

function envFilePath(env) {
  if (env.ENV_FILE) return env.ENV_FILE;
  for (const p of [path.join(process.cwd(), '.env'), path.join(APP_ROOT, '.env')]) {
    if (fs.existsSync(p)) return p;
  }
  return null;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function num(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${value}`);
  return n;
}

function bool(value) {
  return /^(1|true|yes|on)$/i.test(String(value || ''));
}

function load(env = process.env) {
  const file = envFilePath(env);
  let fromFile = {};
  if (file) {
    if (!fs.existsSync(file)) throw new Error(`ENV_FILE not found: ${file}`);
    fromFile = parseEnvFile(fs.readFileSync(file, 'utf8'));
  }
  const e = { ...fromFile, ...env };
  const pkg = readJson(path.join(APP_ROOT, 'package.json')) || {};
  // Baked in by build.sh from releases/<name>/build-flags.json (not operator-settable).
  const flags = readJson(path.join(APP_ROOT, 'build-flags.json')) || {};
  const nodeEnv = e.NODE_ENV || 'development';
  const jwtSecret = e.JWT_SECRET || (nodeEnv === 'production' ? '' : 'dev-only-insecure-secret');
  return {
    envFile: file,
    nodeEnv,
    host: e.HOST || undefined,
    port: num(e.PORT, 3001),
    databaseUrl: e.DATABASE_URL || 'postgres://localhost:5432/aura_flow',
    redisUrl: e.REDIS_URL || 'redis://127.0.0.1:6379',
    jwtSecret,
    jwtExpiresIn: e.JWT_EXPIRES_IN || '24h',
    corsOrigins: (e.CORS_ORIGIN || '').split(',').map((s) => s.trim()).filter(Boolean),
    dailyCostLimit: num(e.DAILY_COST_LIMIT, 10),
    insightCost: num(e.AI_INSIGHT_COST, 0.05),
    aiDegraded: bool(e.AI_DEGRADED),
    logDir: e.LOG_DIR || path.join(process.cwd(), 'logs'),
    version: e.APP_VERSION || pkg.version || '0.0.0',
    loginRateLimit: num(e.LOGIN_RATE_LIMIT, 10),
    trustProxy: bool(e.TRUST_PROXY),
    bodyLimit: num(e.BODY_LIMIT_BYTES, 10 * 1024 * 1024),
    shutdownTimeoutMs: num(e.SHUTDOWN_TIMEOUT_MS, 10000),
    healthTimeoutMs: num(e.HEALTH_TIMEOUT_MS, 1000),
    testRoutes: nodeEnv !== 'production' || bool(e.ENABLE_TEST_ROUTES),
    migrationsDir: e.MIGRATIONS_DIR || path.join(APP_ROOT, 'migrations'),
    seedPassword: e.SEED_PASSWORD || 'aura-demo-2024',
    buildFlags: flags,
  };
}

module.exports = { load, parseEnvFile, APP_ROOT };
