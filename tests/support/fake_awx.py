"""A stand-in for the part of AWX's REST API (/api/v2/) that `awx import` (awxkit's ApiV2.import_assets) talks to.

No AWX runs here, and awxkit's import decides very little itself: it asks the server which fields a POST
accepts (OPTIONS), silently drops every other field, resolves each foreign key's natural key by querying the
server, creates or updates (PUT) the objects in dependency order, then posts survey specs and associates
credentials, notifications and workflow node links (expecting 204). This server answers those requests the
way AWX does for the resource types awx/auraflow.yml uses, with the fields AWX's serializers accept on POST
(tests/support/awx_schema.py, written down from AWX's awx/api/serializers.py), and refuses what AWX would
refuse: a required field missing, a foreign key that points nowhere (awxkit sends null when it cannot
resolve a natural key), a choice outside its choices, an association with an object that does not exist.
Every refusal is kept in ``errors`` besides the HTTP 400 awxkit logs.
"""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.awx_schema import ASSOCIATIONS, CREATE_SETS, DERIVED, POST_FIELDS, REQUIRED, TYPES

V2 = '/api/v2/'
# The list endpoints the v2 root names (what awxkit's import walks; the keys are AWX's, `inventory` included)
ROOT = {'users': 'users', 'organizations': 'organizations', 'teams': 'teams', 'credential_types': 'credential_types',
        'credentials': 'credentials', 'notification_templates': 'notification_templates', 'projects': 'projects',
        'inventory': 'inventories', 'inventory_sources': 'inventory_sources', 'job_templates': 'job_templates',
        'workflow_job_templates': 'workflow_job_templates', 'execution_environments': 'execution_environments',
        'applications': 'applications', 'schedules': 'schedules',
        # not imported, but in AWX's root and among the classes awxkit orders the import by (Schedule's dependencies)
        'system_job_templates': 'system_job_templates'}
# Managed credential types every AWX has (not exported, referred to by natural key)
MANAGED_TYPES = ({'name': 'Machine', 'kind': 'ssh'}, {'name': 'Vault', 'kind': 'vault'},
                 {'name': 'Source Control', 'kind': 'scm'}, {'name': 'Container Registry', 'kind': 'registry'})


class FakeAWX:
    def __init__(self):
        self.objects = {collection: {} for collection in TYPES}  # collection -> id -> object
        self.links = {}  # (collection, id, association) -> set of ids
        self.surveys = {}  # (collection, id) -> survey spec
        self.errors = []
        self.lock = threading.Lock()
        self.next_id = 1
        for managed in MANAGED_TYPES:
            self.create('credential_types', dict(managed, managed=True, inputs={}, injectors={}))
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self.handler())
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- the model ----------------------------------------------------------------------
    def url_of(self, collection, oid):
        return '%s%s/%d/' % (V2, collection, oid)

    def create(self, collection, fields):
        oid = self.next_id
        self.next_id += 1
        obj = dict(fields, id=oid)
        self.objects[collection][oid] = obj
        return obj

    def render(self, collection, obj):
        """The object as AWX shows it: id, type, url, its fields, and related links (foreign keys, sub-lists)."""
        related = {}
        for field, kind in POST_FIELDS.get(collection, {}).items():
            if isinstance(kind, tuple) and kind[0] == 'id' and obj.get(field) is not None:
                target = self.holder(kind[1], obj[field])
                related[field] = self.url_of(target, obj[field])
        for field, (via, source) in DERIVED.get(collection, {}).items():
            parent = self.objects['projects'].get(obj.get(via)) if via == 'project' else None
            if parent and parent.get(source) is not None:
                obj[field] = parent[source]
                related[field] = self.url_of('organizations', parent[source])
        base = self.url_of(collection, obj['id'])
        for name in ASSOCIATIONS.get(collection, {}):
            related[name] = base + name + '/'
        for name in CREATE_SETS.get(collection, {}):
            related[name] = base + name + '/'
        if collection in ('job_templates', 'workflow_job_templates'):
            related['survey_spec'] = base + 'survey_spec/'
        if collection == 'workflow_job_template_nodes':
            related['create_approval_template'] = base + 'create_approval_template/'
        body = dict(obj, type=TYPES[collection], url=base, related=related, summary_fields={})
        if collection == 'projects':
            body.setdefault('status', 'successful')
        return body

    def holder(self, collections, oid):
        """The collection among ``collections`` that holds id ``oid`` (ids are unique across collections), or None."""
        return next((c for c in collections if oid in self.objects[c]), None)

    def validate(self, collection, data, existing=None):
        """The fields AWX would store, or the reason it would refuse them (AWX answers 400)."""
        schema = POST_FIELDS[collection]
        problems = []
        merged = dict(existing or {})
        for field, value in data.items():
            if field not in schema:
                continue  # AWX ignores what its serializer does not know (awxkit never sends it)
            kind = schema[field]
            if isinstance(kind, tuple) and kind[0] == 'id':
                if value is not None and self.holder(kind[1], value) is None:
                    problems.append('%s: no %s with id %r' % (field, ' or '.join(TYPES[c] for c in kind[1]), value))
                elif value is None and field in REQUIRED.get(collection, ()):
                    problems.append('%s: may not be null (its natural key matched nothing)' % field)
            elif isinstance(kind, tuple) and kind[0] == 'choice' and value not in kind[1]:
                problems.append('%s: %r is not a valid choice (%s)' % (field, value, ', '.join(map(str, kind[1]))))
            merged[field] = value
        for field in REQUIRED.get(collection, ()):
            if merged.get(field) in (None, ''):
                if field == 'inventory' and merged.get('ask_inventory_on_launch'):
                    continue
                problems.append('%s: this field is required' % field)
        return merged, problems

    # --- HTTP -----------------------------------------------------------------------------
    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, code, body=None, allow=None):
                data = b'' if body is None else json.dumps(body).encode()
                self.send_response(code)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                if allow:
                    self.send_header('Allow', allow)
                self.end_headers()
                self.wfile.write(data)

            def body(self):
                length = int(self.headers.get('Content-Length') or 0)
                return json.loads(self.rfile.read(length) or b'{}')

            def route(self):
                parsed = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                parts = [p for p in parsed.path.split('/') if p]
                return parts, query

            def do_OPTIONS(self):  # noqa: N802
                parts, dummy = self.route()
                collection = self.collection_of(parts)
                if collection is None:
                    return self.reply(404, {'detail': 'Not found.'})
                if collection not in POST_FIELDS:  # listed, not created through the API (system job templates)
                    return self.reply(200, {'actions': {}, 'description': ''}, allow='GET, HEAD, OPTIONS')
                post = {field: {'type': kind[0] if isinstance(kind, tuple) else kind}
                        for field, kind in POST_FIELDS[collection].items()}
                return self.reply(200, {'actions': {'POST': post}, 'description': ''}, allow='GET, POST, HEAD, OPTIONS')

            def collection_of(self, parts):
                """The collection a list URL (top-level or a parent's create set) creates into."""
                if parts[:2] != ['api', 'v2']:
                    return None
                rest = parts[2:]
                if len(rest) == 1 and rest[0] in TYPES:
                    return rest[0]
                if len(rest) == 3 and rest[0] in CREATE_SETS and rest[2] in CREATE_SETS[rest[0]]:
                    return CREATE_SETS[rest[0]][rest[2]][0]
                return None

            def do_GET(self):  # noqa: N802
                parts, query = self.route()
                with fake.lock:
                    if parts == ['api']:
                        return self.reply(200, {'current_version': V2, 'available_versions': {'v2': V2}})
                    if parts == ['api', 'v2']:
                        return self.reply(200, {key: '%s%s/' % (V2, value) for key, value in ROOT.items()})
                    if parts in (['api', 'v2', 'me'], ['api', 'v2', 'ping']):
                        return self.reply(200, {'count': 1, 'next': None, 'previous': None, 'results': [{'id': 1}]})
                    rest = parts[2:]
                    if len(rest) == 1 and rest[0] in TYPES:
                        return self.listing(rest[0], fake.objects[rest[0]].values(), query)
                    if len(rest) == 2 and rest[0] in TYPES and rest[1].isdigit():
                        obj = fake.objects[rest[0]].get(int(rest[1]))
                        return self.reply(200, fake.render(rest[0], obj)) if obj else self.reply(404, {'detail': 'Not found.'})
                    if len(rest) == 3 and rest[0] in TYPES and rest[1].isdigit():
                        collection, oid, name = rest[0], int(rest[1]), rest[2]
                        if name == 'survey_spec':
                            return self.reply(200, fake.surveys.get((collection, oid), {}))
                        if name in ASSOCIATIONS.get(collection, {}):
                            target = ASSOCIATIONS[collection][name]
                            ids = fake.links.get((collection, oid, name), set())
                            return self.listing(target, [fake.objects[target][i] for i in sorted(ids)], query)
                        if name in CREATE_SETS.get(collection, {}):
                            target, parent_field = CREATE_SETS[collection][name]
                            members = [o for o in fake.objects[target].values() if o.get(parent_field) == oid]
                            return self.listing(target, members, query)
                return self.reply(404, {'detail': 'Not found.'})

            def listing(self, collection, objects, query):
                filters = {k: v for k, v in query.items() if k not in ('page', 'page_size', 'order_by')}
                results = [fake.render(collection, o) for o in objects
                           if all(str(o.get(k)) == v for k, v in filters.items())]
                return self.reply(200, {'count': len(results), 'next': None, 'previous': None, 'results': results})

            def refuse(self, what, problems):
                fake.errors.append('%s: %s' % (what, '; '.join(problems)))
                return self.reply(400, {'detail': problems})

            def do_POST(self):  # noqa: N802
                parts, dummy = self.route()
                data = self.body()
                with fake.lock:
                    rest = parts[2:] if parts[:2] == ['api', 'v2'] else []
                    if len(rest) == 1 and rest[0] in TYPES:
                        fields, problems = fake.validate(rest[0], data)
                        if problems:
                            return self.refuse('POST %s %r' % (rest[0], data.get('name')), problems)
                        return self.reply(201, fake.render(rest[0], fake.create(rest[0], fields)))
                    if len(rest) == 3 and rest[0] in TYPES and rest[1].isdigit():
                        collection, oid, name = rest[0], int(rest[1]), rest[2]
                        if oid not in fake.objects[collection]:
                            return self.reply(404, {'detail': 'Not found.'})
                        if collection == 'workflow_job_template_nodes' and name == 'create_approval_template':
                            fields, problems = fake.validate('workflow_approval_templates', data)
                            if problems:
                                return self.refuse('approval template of node %d' % oid, problems)
                            approval = fake.create('workflow_approval_templates', fields)
                            fake.objects[collection][oid]['unified_job_template'] = approval['id']
                            return self.reply(201, fake.render('workflow_approval_templates', approval))
                        if name == 'survey_spec':
                            problems = survey_problems(data)
                            if problems:
                                return self.refuse('survey of %s %d' % (collection, oid), problems)
                            fake.surveys[(collection, oid)] = data
                            return self.reply(200, {})
                        if name in ASSOCIATIONS.get(collection, {}):
                            target = ASSOCIATIONS[collection][name]
                            if data.get('id') not in fake.objects[target]:
                                return self.refuse('%s of %s %d' % (name, collection, oid), ['no %s with id %r' % (TYPES[target], data.get('id'))])
                            fake.links.setdefault((collection, oid, name), set()).add(data['id'])
                            return self.reply(204)
                        if name in CREATE_SETS.get(collection, {}):
                            target, parent_field = CREATE_SETS[collection][name]
                            fields, problems = fake.validate(target, dict(data, **{parent_field: oid}))
                            if problems:
                                return self.refuse('POST %s of %s %d' % (name, collection, oid), problems)
                            return self.reply(201, fake.render(target, fake.create(target, fields)))
                return self.reply(404, {'detail': 'Not found.'})

            def do_PUT(self):  # noqa: N802
                parts, dummy = self.route()
                data = self.body()
                with fake.lock:
                    rest = parts[2:] if parts[:2] == ['api', 'v2'] else []
                    if len(rest) == 2 and rest[0] in TYPES and rest[1].isdigit() and int(rest[1]) in fake.objects[rest[0]]:
                        collection, oid = rest[0], int(rest[1])
                        existing = fake.objects[collection][oid]
                        fields, problems = fake.validate(collection, data, existing)
                        if problems:
                            return self.refuse('PUT %s %d' % (collection, oid), problems)
                        existing.update(fields)
                        return self.reply(200, fake.render(collection, existing))
                return self.reply(404, {'detail': 'Not found.'})

            do_PATCH = do_PUT

        return Handler


def survey_problems(spec):
    """What AWX's survey_spec validation refuses (awx/api/views: JobTemplateSurveySpec.post)."""
    problems = []
    for key in ('name', 'description', 'spec'):
        if key not in spec:
            problems.append("'%s' missing from survey spec" % key)
    if not isinstance(spec.get('spec'), list):
        return problems + ["'spec' must be a list of items"]
    seen = set()
    for index, item in enumerate(spec['spec']):
        for key in ('type', 'question_name', 'variable', 'required'):
            if key not in item:
                problems.append("'%s' missing from survey question %d" % (key, index))
        if item.get('variable') in seen:
            problems.append("'variable' '%s' duplicated in survey question %d" % (item.get('variable'), index))
        seen.add(item.get('variable'))
        if item.get('type') not in ('text', 'textarea', 'password', 'multiplechoice', 'multiselect', 'integer', 'float'):
            problems.append("'%s' in survey question %d is not one of the allowed types" % (item.get('type'), index))
        if item.get('type') in ('multiplechoice', 'multiselect'):
            choices = item.get('choices')
            choices = choices.split('\n') if isinstance(choices, str) else choices
            if not choices:
                problems.append('survey question %d is a %s without choices' % (index, item.get('type')))
            default = item.get('default')
            if default not in (None, '') and item.get('type') == 'multiplechoice' and default not in choices:
                problems.append('survey question %d: default %r is not among its choices' % (index, default))
    return problems
