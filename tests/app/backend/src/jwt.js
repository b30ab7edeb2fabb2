'use strict';
// Minimal HS256 JSON Web Tokens with node:crypto. Only HS256 is accepted:
// "alg": "none" and every other algorithm are rejected before any signature check.
const crypto = require('node:crypto');

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const UNITS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

// "15m", "24h", "7d", "3600" or 3600 -> seconds
function parseDuration(value) {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.floor(value);
  const m = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(String(value));
  if (!m || Number(m[1]) <= 0) throw new Error(`invalid duration: ${value}`);
  return Number(m[1]) * UNITS[(m[2] || 's').toLowerCase()];
}

function hmac(data, secret) {
  return crypto.createHmac('sha256', secret).update(data).digest();
}

function sign(payload, secret, expiresIn, now = Math.floor(Date.now() / 1000)) {
  if (!secret) throw new Error('JWT secret is empty');
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ ...payload, iat: now, exp: now + parseDuration(expiresIn) }));
  return `${header}.${body}.${b64url(hmac(`${header}.${body}`, secret))}`;
}

class JwtError extends Error {}

function decodePart(part) {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new JwtError('malformed token');
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed token');
  }
}

// Returns the payload or throws JwtError.
function verify(token, secret, now = Math.floor(Date.now() / 1000)) {
  if (!secret) throw new JwtError('JWT secret is empty');
  const parts = String(token || '').split('.');
  if (parts.length !== 3) throw new JwtError('malformed token');
  const [h, p, s] = parts;
  const header = decodePart(h);
  if (!header || header.alg !== 'HS256') throw new JwtError('unsupported alg');
  if (!s) throw new JwtError('missing signature');
  // Compare the canonical base64url text, so no two encodings of one signature pass.
  const expected = Buffer.from(b64url(hmac(`${h}.${p}`, secret)));
  const given = Buffer.from(s);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new JwtError('bad signature');
  }
  const payload = decodePart(p);
  if (!payload || typeof payload !== 'object') throw new JwtError('malformed token');
  if (typeof payload.exp !== 'number' || payload.exp <= now) throw new JwtError('token expired');
  if (typeof payload.nbf === 'number' && payload.nbf > now) throw new JwtError('token not yet valid');
  return payload;
}

module.exports = { sign, verify, parseDuration, JwtError };
