#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: slo_check
short_description: Measure a live HTTP service against service-level objectives
version_added: 0.1.0
description:
  - Sends HTTP/1.1 requests to O(url) over O(concurrency) keep-alive connections and reports
    the request count, errors, status codes, throughput and exact latency percentiles, then
    compares them with O(objectives).
  - Closed loop by default (each connection sends its next request as soon as the previous
    answer is complete), for O(requests) in total or for O(duration).
    With O(rate) the load is open loop, request I(i) is scheduled at I(i / rate) seconds and its
    latency is measured from that scheduled time, so time spent queued behind a stalled server
    is counted and cannot hide behind coordinated omission.
  - A request is an error when it cannot connect, times out, breaks off or is answered with a
    status >= 400 (the runbook counts 4xx and 5xx). Availability is C(1 - error_rate).
  - Latency percentiles are exact nearest-rank percentiles over every recorded sample (requests
    that were answered, whatever the status, and requests that timed out, with the time they
    waited). Requests that could not connect have no latency sample.
  - With O(metrics_url), the service's Prometheus metrics are read right before and right after
    the measured phase and RV(server) reports what the service itself counted in between.
  - An unreachable target is a result, not a crash, RV(ok=false), RV(error_rate=1.0) and a clear
    message.
  - Read-only; runs on the controller (delegate it to C(localhost)). The requests are also sent
    in check mode, since measuring is all the module does.
  - Uses only the Python standard library, one event loop of non-blocking sockets (epoll on Linux)
    and a minimal HTTP/1.1 parser, so the controller can drive thousands of requests per second.
author:
  - auraflow.ops maintainers (@auraflow)
attributes:
  check_mode:
    support: full
    details: Read-only; the measurement runs in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  method:
    description: The HTTP method.
    type: str
    default: GET
  headers:
    description: Request headers (sent on every request).
    type: dict
    default: {}
  body:
    description:
      - Request body. A string is sent as is (UTF-8); a dictionary or list is sent as JSON, with
        the content type C(application/json) unless O(headers) set one.
    type: raw
  requests:
    description:
      - Number of measured requests (after the warmup). Mutually exclusive with O(duration).
      - When neither O(requests) nor O(duration) is given, 100 requests are sent.
    type: int
  duration:
    description:
      - How long to measure, in seconds or as a duration like V(30s), V(2m).
        Mutually exclusive with O(requests).
      - With O(rate), the run schedules O(rate) x O(duration) requests.
    type: raw
  concurrency:
    description: Number of keep-alive connections (requests in flight at most).
    type: int
    default: 16
  rate:
    description:
      - Open-loop request rate in requests per second. Requests are scheduled at a fixed rate and
        sent on the first free connection; latency counts from the scheduled time.
      - Without it the load is closed loop (as fast as O(concurrency) connections allow).
    type: float
  warmup:
    description:
      - Seconds (or a duration like V(5s)) of the same load sent before measuring and not
        recorded (connections, caches and JIT warm up).
    type: raw
    default: 0
  objectives:
    description:
      - The service-level objectives. Limits are inclusive. Names not listed here are rejected.
    type: dict
    default: {}
    suboptions:
      p50_ms:
        description: Highest acceptable median latency in milliseconds.
        type: float
      p95_ms:
        description: Highest acceptable 95th percentile latency in milliseconds.
        type: float
      p99_ms:
        description: Highest acceptable 99th percentile latency in milliseconds.
        type: float
      max_error_rate:
        description: Highest acceptable fraction of errors (V(0.001) is 0.1 %).
        type: float
      min_availability:
        description: Lowest acceptable fraction of successful requests (V(0.99) is 99 %).
        type: float
      min_rps:
        description: Lowest acceptable throughput in requests per second (all finished requests).
        type: float
  metrics_url:
    description:
      - A Prometheus text endpoint of the service (like the backend's C(/monitoring/metrics)),
        read before and after the measured phase. The deltas of C(http_requests_total) and the
        C(http_request_duration_seconds) histogram are reported in RV(server), restricted to
        the series whose C(route) label is the path of O(url) when there are such series.
      - Uses O(headers), O(timeout) and O(validate_certs) too. A failed read is a warning and an
        C(error) in RV(server), not a failure of the check.
    type: str
  fail_on_breach:
    description:
      - Fail the task when an objective is breached or the target is unreachable.
        With V(false) the task succeeds and RV(ok) and RV(breaches) tell the outcome.
    type: bool
    default: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.http_client
seealso:
  - name: Coordinated omission (wrk2)
    description: Why open-loop latency is measured from the scheduled send time.
    link: https://github.com/giltene/wrk2
notes:
  - RV(rps) divides all finished requests (errors included) by the measured phase's duration.
'''

EXAMPLES = r'''
- name: The runbook's SLO for the backend health endpoint
  auraflow.ops.slo_check:
    url: http://127.0.0.1:8080/health
    duration: 30s
    concurrency: 32
    warmup: 5s
    objectives:
      p95_ms: 200
      p99_ms: 500
      max_error_rate: 0.001
      min_rps: 1000
    metrics_url: http://127.0.0.1:3001/monitoring/metrics
  delegate_to: localhost
  run_once: true

- name: Open-loop probe at a fixed rate while something restarts; report, do not fail
  auraflow.ops.slo_check:
    url: https://aura.example.internal/health
    validate_certs: false
    rate: 100
    duration: 60
    objectives:
      min_availability: 0.99
    fail_on_breach: false
  delegate_to: localhost
  register: probe

- name: A POST with a JSON body
  auraflow.ops.slo_check:
    url: http://127.0.0.1:3001/api/insights
    method: POST
    headers:
      Authorization: "Bearer {{ token }}"
    body:
      topic: sleep
    requests: 200
    concurrency: 4
'''

RETURN = r'''
ok:
  description: No objective was breached and the target was reachable.
  returned: always
  type: bool
  sample: true
msg:
  description: One-line summary of the outcome.
  returned: always
  type: str
  sample: "SLO met: 20000 requests, 0 errors, p95 3.2 ms, p99 5.1 ms, 6650.2 req/s"
requests:
  description: Measured requests that finished (answered or failed).
  returned: always
  type: int
  sample: 20000
errors:
  description: Requests that could not connect, timed out, broke off or got a status >= 400.
  returned: always
  type: int
  sample: 3
error_rate:
  description: C(errors / requests); V(1.0) when the target is unreachable.
  returned: always
  type: float
  sample: 0.00015
availability:
  description: C(1 - error_rate).
  returned: always
  type: float
  sample: 0.99985
status_codes:
  description: Answers by HTTP status code (the keys are strings).
  returned: always
  type: dict
  sample: {"200": 19997, "503": 3}
error_kinds:
  description: Errors by kind, C(connect), C(timeout), C(protocol) (closed or malformed answer) and C(http) (status >= 400).
  returned: always
  type: dict
  sample: {"connect": 0, "timeout": 0, "protocol": 0, "http": 3}
rps:
  description: Finished requests per second over the measured phase.
  returned: always
  type: float
  sample: 6650.2
elapsed:
  description: Seconds the measured phase took.
  returned: always
  type: float
  sample: 3.007
mode:
  description: V(closed) loop, or V(open) loop when O(rate) is set.
  returned: always
  type: str
  sample: closed
latency_ms:
  description:
    - Exact latency statistics in milliseconds over the recorded samples (nearest-rank percentiles).
      With O(rate), measured from each request's scheduled send time. Null values when nothing was recorded.
  returned: always
  type: dict
  contains:
    min:
      description: Fastest request.
      type: float
    mean:
      description: Arithmetic mean.
      type: float
    p50:
      description: Median.
      type: float
    p90:
      description: 90th percentile.
      type: float
    p95:
      description: 95th percentile.
      type: float
    p99:
      description: 99th percentile.
      type: float
    max:
      description: Slowest request.
      type: float
  sample: {"min": 0.41, "mean": 2.1, "p50": 1.8, "p90": 2.9, "p95": 3.2, "p99": 5.1, "max": 21.7}
service_time_ms:
  description:
    - With O(rate) only, the same statistics measured from the moment each request was actually
      sent (what a closed-loop tool would report). The gap to RV(latency_ms) is time spent queued.
  returned: when rate is set
  type: dict
  sample: {"min": 0.4, "mean": 0.9, "p50": 0.8, "p90": 1.2, "p95": 1.4, "p99": 3.8, "max": 1002.0}
breaches:
  description: The objectives that were not met.
  returned: always
  type: list
  elements: dict
  contains:
    objective:
      description: Objective name (a key of O(objectives)).
      type: str
    target:
      description: The objective's limit.
      type: float
    actual:
      description: The measured value (null when there was nothing to measure).
      type: float
  sample: [{"objective": "p95_ms", "target": 200.0, "actual": 312.5}]
server:
  description:
    - What the service counted between the two reads of O(metrics_url); empty without O(metrics_url).
    - On a failed read, only C(metrics_url) and C(error).
  returned: always
  type: dict
  contains:
    metrics_url:
      description: The endpoint read.
      type: str
    scope:
      description: The series counted, e.g. C(method=GET, route=/health), or C(all series).
      type: str
    requests:
      description: Increase of C(http_requests_total).
      type: int
    errors:
      description: Of those, the ones with a 4xx or 5xx C(status) label.
      type: int
    error_rate:
      description: C(errors / requests).
      type: float
    status_codes:
      description: Increase by C(status) label.
      type: dict
    latency_ms:
      description: C(p50), C(p90), C(p95), C(p99) of the C(http_request_duration_seconds) histogram's increase, in ms (Prometheus' histogram_quantile).
      type: dict
    histogram_observations:
      description: Observations in the histogram's increase.
      type: int
    error:
      description: Why the metrics could not be read or parsed.
      type: str
  sample: {"metrics_url": "http://127.0.0.1:3001/monitoring/metrics", "scope": "method=GET, route=/health", "requests": 20000,
           "errors": 0, "error_rate": 0.0, "status_codes": {"200": 20000}, "latency_ms": {"p50": 2.6, "p90": 4.6, "p95": 4.8, "p99": 9.2},
           "histogram_observations": 20000}
findings:
  description: The outcome as findings (see module_utils/findings.py), most severe first.
    Ids are V(target_unreachable) (critical), V(slo_<objective>) (high) and V(metrics_unavailable) (low).
  returned: always
  type: list
  elements: dict
  sample: [{"id": "slo_p95_ms", "severity": "high", "message": "p95_ms: 312.5 > 200", "evidence": {"target": 200.0, "actual": 312.5}}]
'''

import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.auraflow.ops.plugins.module_utils.durations import DurationError, parse_duration
from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, conclude, sort_findings
from ansible_collections.auraflow.ops.plugins.module_utils.http_load import LoadSpec, run_load
from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError, request
from ansible_collections.auraflow.ops.plugins.module_utils.prometheus import MetricsError, server_view
from ansible_collections.auraflow.ops.plugins.module_utils.slo import (
    ObjectiveError,
    describe_breach,
    error_rate,
    evaluate,
    latency_summary,
    measured_values,
    validate_objectives,
)

DEFAULT_REQUESTS = 100
MAX_CONCURRENCY = 10000

OBJECTIVE_OPTIONS = dict((name, dict(type='float')) for name in ('p50_ms', 'p95_ms', 'p99_ms', 'max_error_rate', 'min_availability', 'min_rps'))

ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True),
    method=dict(type='str', default='GET'),
    headers=dict(type='dict', default={}),
    body=dict(type='raw'),
    validate_certs=dict(type='bool', default=True),
    timeout=dict(type='float', default=10.0),
    requests=dict(type='int'),
    duration=dict(type='raw'),
    concurrency=dict(type='int', default=16),
    rate=dict(type='float'),
    warmup=dict(type='raw', default=0),
    objectives=dict(type='dict', default={}, options=OBJECTIVE_OPTIONS),
    metrics_url=dict(type='str'),
    fail_on_breach=dict(type='bool', default=True),
)


def _seconds(module, name):
    value = module.params[name]
    if value is None:
        return None
    try:
        return float(parse_duration(value))
    except DurationError as exc:
        module.fail_json(msg='%s: %s' % (name, exc))


def _build_spec(module):
    params = module.params
    method = params['method'].strip().upper()
    if not method or not method.isalpha():
        module.fail_json(msg='method must be an HTTP method name like GET or POST, got %r' % params['method'])
    if not 1 <= params['concurrency'] <= MAX_CONCURRENCY:
        module.fail_json(msg='concurrency must be between 1 and %d, got %d' % (MAX_CONCURRENCY, params['concurrency']))
    if params['requests'] is not None and params['requests'] < 1:
        module.fail_json(msg='requests must be at least 1, got %d' % params['requests'])
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %s' % params['timeout'])
    if params['rate'] is not None and params['rate'] <= 0:
        module.fail_json(msg='rate must be a positive number of requests per second, got %s' % params['rate'])
    duration = _seconds(module, 'duration')
    if duration is not None and duration <= 0:
        module.fail_json(msg='duration must be positive, got %r' % params['duration'])
    warmup = _seconds(module, 'warmup') or 0.0
    requests = params['requests']
    if requests is None and duration is None:
        requests = DEFAULT_REQUESTS
    body = params['body']
    if body is not None and not isinstance(body, (str, dict, list)):
        body = str(body)
    try:
        return LoadSpec(params['url'], method=method, headers=params['headers'], body=body, timeout=params['timeout'],
                        validate_certs=params['validate_certs'], concurrency=params['concurrency'], requests=requests,
                        duration=duration, rate=params['rate'], warmup=warmup)
    except ProbeError as exc:
        module.fail_json(msg='url: %s' % exc)
    except ValueError as exc:
        module.fail_json(msg=str(exc))


def _scrape(module, url):
    params = module.params
    resp = request(url, headers=params['headers'], timeout=params['timeout'], validate_certs=params['validate_certs'])
    if resp.status >= 400:
        raise ProbeError('%s answered %d %s' % (url, resp.status, resp.reason))
    return resp.text()


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=[('requests', 'duration')], supports_check_mode=True)
    params = module.params
    try:
        objectives = validate_objectives(dict((k, v) for k, v in (params['objectives'] or {}).items() if v is not None))
    except ObjectiveError as exc:
        module.fail_json(msg='objectives: %s' % exc)
    spec = _build_spec(module)

    metrics_url = params['metrics_url']
    scrapes = {}

    def before_measure():
        try:
            scrapes['before'] = _scrape(module, metrics_url)
        except ProbeError as exc:
            scrapes['error'] = 'before the run: %s' % exc

    try:
        load = run_load(spec, before_measure if metrics_url else None)
    except (ProbeError, ValueError, OSError) as exc:
        module.fail_json(msg='slo_check could not run the load: %s' % exc)
    except Exception as exc:  # a bug must still end as a clear task failure, with the details
        module.fail_json(msg='slo_check failed unexpectedly: %s: %s' % (type(exc).__name__, exc), exception=traceback.format_exc())

    server = {}
    if metrics_url:
        server['metrics_url'] = metrics_url
        if 'before' in scrapes:
            try:
                server.update(server_view(scrapes['before'], _scrape(module, metrics_url), route=spec.target.path.split('?')[0],
                                          method=spec.method))
            except ProbeError as exc:
                scrapes['error'] = 'after the run: %s' % exc
            except MetricsError as exc:
                scrapes['error'] = 'not Prometheus text: %s' % exc
        elif 'error' not in scrapes:
            scrapes['error'] = 'not read: the target was unreachable'
        if 'error' in scrapes:
            server['error'] = scrapes['error']
            module.warn('metrics_url %s: %s' % (metrics_url, scrapes['error']))

    unreachable = load.unreachable
    err_rate = 1.0 if unreachable else error_rate(load.errors, load.requests)
    rps = round(load.requests / load.elapsed, 1) if load.elapsed > 0 else 0.0
    latency = latency_summary(load.samples)
    breaches = evaluate(objectives, measured_values(latency, err_rate, rps))

    findings = []
    if unreachable:
        findings.append(Finding('target_unreachable', 'critical', 'target unreachable: %s' % unreachable, {'url': params['url']}))
    for breach in breaches:
        findings.append(Finding('slo_%s' % breach['objective'], 'high', describe_breach(breach),
                                {'target': breach['target'], 'actual': breach['actual']}))
    if 'error' in server:
        findings.append(Finding('metrics_unavailable', 'low', 'metrics_url: %s' % server['error'], {'metrics_url': metrics_url}))

    ok = not unreachable and not breaches
    if unreachable:
        msg = 'target unreachable: %s (%s)' % (unreachable, params['url'])
    else:
        summary = '%d requests, %d errors, p95 %s ms, p99 %s ms, %s req/s' % (
            load.requests, load.errors, latency['p95'], latency['p99'], rps)
        msg = ('SLO met: ' + summary) if ok else ('SLO breached: %s (%s)' % ('; '.join(describe_breach(b) for b in breaches), summary))

    result = dict(
        changed=False,
        ok=ok,
        msg=msg,
        requests=load.requests,
        errors=load.errors,
        error_rate=err_rate,
        availability=1.0 - err_rate,
        status_codes=dict((str(code), load.status_codes[code]) for code in sorted(load.status_codes)),
        error_kinds=load.error_kinds,
        rps=rps,
        elapsed=round(load.elapsed, 3),
        mode='open' if spec.rate is not None else 'closed',
        latency_ms=latency,
        breaches=breaches,
        server=server,
        findings=[f.as_dict() for f in sort_findings(findings)],
    )
    if spec.rate is not None:
        result['service_time_ms'] = latency_summary(load.service_samples)
    conclude(module, result, failed=not ok and params['fail_on_breach'])


def main():
    run_module()


if __name__ == '__main__':
    main()
