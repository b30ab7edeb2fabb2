#!/usr/bin/env node
'use strict';
// Static frontend build: node build.js OUTDIR VERSION
// Writes OUTDIR/index.html and OUTDIR/assets/{app,style}.<content hash>.{js,css}.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const [outDir, version] = process.argv.slice(2);
if (!outDir || !version) {
  console.error('usage: build.js OUTDIR VERSION');
  process.exit(2);
}
const src = path.join(__dirname, 'src');
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

fs.mkdirSync(path.join(outDir, 'assets'), { recursive: true });
function emit(file, base, ext) {
  const content = fs.readFileSync(path.join(src, file));
  const hash = crypto.createHash('sha256').update(content).digest('hex').slice(0, 10);
  const name = `assets/${base}.${hash}.${ext}`;
  fs.writeFileSync(path.join(outDir, name), content);
  return name;
}
const js = emit('app.js', 'app', 'js');
const css = emit('style.css', 'style', 'css');
const html = fs.readFileSync(path.join(src, 'index.html'), 'utf8')
  .replace('__JS__', `/${js}`)
  .replace('__CSS__', `/${css}`)
  .replace(/__VERSION__/g, escapeHtml(version));
fs.writeFileSync(path.join(outDir, 'index.html'), html);
console.log(`frontend ${version}: index.html ${js} ${css}`);
