'use strict';
// Redis client. The app starts even when Redis is down (health then says so)
// and reconnects by itself; commands fail fast while disconnected.
const { createClient } = require('redis');
const { withTimeout } = require('./db');

function createRedis(config, log) {
  const client = createClient({
    url: config.redisUrl,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1000,
      reconnectStrategy: (retries) => Math.min(100 + retries * 100, 2000),
    },
  });
  let lastError = '';
  client.on('error', (err) => {
    // Log each distinct error once, not on every reconnect attempt.
    if (err.message !== lastError) log.warn('redis error', { error: err.message });
    lastError = err.message;
  });
  client.on('ready', () => { lastError = ''; });
  client.connect().catch(() => {});

  return {
    client,
    ping: (ms) => withTimeout(client.ping(), ms, 'redis'),
    ready: (ms) => (client.isReady ? Promise.resolve()
      : withTimeout(new Promise((resolve) => client.once('ready', resolve)), ms, 'redis connect')),
    async close() {
      try {
        if (client.isReady) await client.quit();
        else await client.disconnect();
      } catch {
        /* already closed */
      }
    },
  };
}

module.exports = { createRedis };
