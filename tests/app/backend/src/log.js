'use strict';
// JSON-lines logger: every line to $LOG_DIR/combined.log, errors (level
// "error", or HTTP status >= 500) also to $LOG_DIR/error.log.
// Lifecycle lines (level info/warn/error without a request) also go to stdout/stderr.
// SIGHUP reopens the files (for logrotate without copytruncate).
const fs = require('node:fs');
const path = require('node:path');

function createLogger(dir) {
  let combined = null;
  let errors = null;

  function open() {
    try {
      fs.mkdirSync(dir, { recursive: true });
      combined = fs.createWriteStream(path.join(dir, 'combined.log'), { flags: 'a' });
      errors = fs.createWriteStream(path.join(dir, 'error.log'), { flags: 'a' });
      combined.on('error', () => { combined = null; });
      errors.on('error', () => { errors = null; });
    } catch (err) {
      process.stderr.write(`log: cannot open ${dir}: ${err.message}; logging to stdout only\n`);
    }
  }

  function write(level, msg, fields = {}) {
    const entry = { time: new Date().toISOString(), level, msg, ...fields };
    const line = JSON.stringify(entry) + '\n';
    if (combined) combined.write(line);
    const isError = level === 'error' || (fields.status && fields.status >= 500);
    if (isError && errors) errors.write(line);
    if (!fields.method || !combined) (level === 'error' ? process.stderr : process.stdout).write(line);
  }

  function close() {
    const streams = [combined, errors].filter(Boolean);
    combined = errors = null;
    return Promise.all(streams.map((s) => new Promise((resolve) => s.end(resolve))));
  }

  function reopen() {
    close().then(open);
  }

  open();
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    request: (fields) => write(fields.status >= 500 ? 'error' : 'info', 'request', fields),
    close,
    reopen,
  };
}

module.exports = { createLogger };
