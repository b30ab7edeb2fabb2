'use strict';
// Prometheus text exposition: request counter, latency histogram, process memory.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const esc = (v) => String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (obj) => '{' + Object.entries(obj).map(([k, v]) => `${k}="${esc(v)}"`).join(',') + '}';

function createMetrics(version) {
  const requests = new Map(); // key -> { labels, count }
  const latency = new Map(); // key -> { labels, buckets[], sum, count }

  function observe(method, route, status, seconds) {
    const l = { method, route, status: String(status) };
    const key = JSON.stringify(l);
    const r = requests.get(key) || requests.set(key, { labels: l, count: 0 }).get(key);
    r.count += 1;
    const hl = { method, route };
    const hkey = JSON.stringify(hl);
    const h = latency.get(hkey)
      || latency.set(hkey, { labels: hl, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }).get(hkey);
    BUCKETS.forEach((b, i) => { if (seconds <= b) h.buckets[i] += 1; });
    h.sum += seconds;
    h.count += 1;
  }

  function render() {
    const out = [];
    out.push('# HELP http_requests_total HTTP requests by method, route and status.');
    out.push('# TYPE http_requests_total counter');
    for (const r of requests.values()) out.push(`http_requests_total${labels(r.labels)} ${r.count}`);
    out.push('# HELP http_request_duration_seconds HTTP request latency.');
    out.push('# TYPE http_request_duration_seconds histogram');
    for (const h of latency.values()) {
      BUCKETS.forEach((b, i) => {
        out.push(`http_request_duration_seconds_bucket${labels({ ...h.labels, le: b })} ${h.buckets[i]}`);
      });
      out.push(`http_request_duration_seconds_bucket${labels({ ...h.labels, le: '+Inf' })} ${h.count}`);
      out.push(`http_request_duration_seconds_sum${labels(h.labels)} ${h.sum}`);
      out.push(`http_request_duration_seconds_count${labels(h.labels)} ${h.count}`);
    }
    const mem = process.memoryUsage();
    out.push('# HELP process_resident_memory_bytes Resident memory size in bytes.');
    out.push('# TYPE process_resident_memory_bytes gauge');
    out.push(`process_resident_memory_bytes ${mem.rss}`);
    out.push('# HELP nodejs_heap_used_bytes V8 heap used in bytes.');
    out.push('# TYPE nodejs_heap_used_bytes gauge');
    out.push(`nodejs_heap_used_bytes ${mem.heapUsed}`);
    out.push('# HELP nodejs_heap_total_bytes V8 heap total in bytes.');
    out.push('# TYPE nodejs_heap_total_bytes gauge');
    out.push(`nodejs_heap_total_bytes ${mem.heapTotal}`);
    out.push('# HELP process_uptime_seconds Process uptime.');
    out.push('# TYPE process_uptime_seconds gauge');
    out.push(`process_uptime_seconds ${process.uptime()}`);
    out.push('# HELP app_info Application version.');
    out.push('# TYPE app_info gauge');
    out.push(`app_info${labels({ version })} 1`);
    return out.join('\n') + '\n';
  }

  return { observe, render };
}

module.exports = { createMetrics };
