'use strict';
// Small HTTP helpers: JSON responses, bounded body reading, CORS, client IP, rate limit.

class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

function sendJson(res, status, body, headers = {}) {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(data);
}

// Reads the whole body; rejects with 413 as soon as it exceeds `limit` bytes.
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] || 0);
    if (declared > limit) {
      req.resume(); // drain; the 413 goes out with Connection: close
      reject(new HttpError(413, 'payload_too_large'));
      return;
    }
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, 'payload_too_large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (err) => { if (!failed) { failed = true; reject(err); } });
  });
}

async function readJson(req, limit) {
  const buf = await readBody(req, limit);
  if (buf.length === 0) return {};
  try {
    const value = JSON.parse(buf.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, 'invalid_json');
}

// CORS with exact origin matching. Returns true when the request's Origin is allowed.
function applyCors(req, res, allowedOrigins) {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (!origin || !allowedOrigins.includes(origin)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  return true;
}

function preflight(req, res, allowed) {
  const headers = { 'Content-Length': '0' };
  if (allowed) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
    headers['Access-Control-Allow-Headers'] = 'Authorization, Content-Type';
    headers['Access-Control-Max-Age'] = '600';
  }
  res.writeHead(204, headers);
  res.end();
}

// Behind a reverse proxy (TRUST_PROXY=1) the client is the last X-Forwarded-For
// entry (the address the proxy saw); otherwise the socket's peer.
function clientIp(req, trustProxy) {
  if (trustProxy) {
    const xff = String(req.headers['x-forwarded-for'] || '').split(',').map((s) => s.trim()).filter(Boolean);
    if (xff.length) return xff[xff.length - 1];
    if (req.headers['x-real-ip']) return String(req.headers['x-real-ip']);
  }
  return req.socket.remoteAddress || 'unknown';
}

// Fixed one-minute window counter per key, in memory.
function createRateLimiter(perMinute) {
  const hits = new Map();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [key, v] of hits) if (now - v.start >= 60000) hits.delete(key);
  }, 60000);
  timer.unref();
  return {
    // Returns seconds to wait when over the limit, else 0.
    hit(key) {
      const now = Date.now();
      let v = hits.get(key);
      if (!v || now - v.start >= 60000) {
        v = { start: now, count: 0 };
        hits.set(key, v);
      }
      v.count += 1;
      return v.count > perMinute ? Math.ceil((v.start + 60000 - now) / 1000) : 0;
    },
  };
}

module.exports = { HttpError, sendJson, readBody, readJson, applyCors, preflight, clientIp, createRateLimiter };
