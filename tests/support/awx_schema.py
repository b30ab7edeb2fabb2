"""What AWX's REST API accepts on create, for the resource types awx/auraflow.yml holds: the writable fields of
each serializer in AWX 24.6 (awx/api/serializers.py, the release awxkit==24.6.1 belongs to; Meta.fields merged
across the serializer's bases, without read-only and method fields), the required ones, the choices, and the
sub-lists awxkit's import posts to. Used by tests/support/fake_awx.py.

Field kinds: 'string', 'boolean', 'integer', 'json', ('id', <collections the key may point into>),
('choice', <values>)."""

ORG = ('id', ('organizations',))
EE = ('id', ('execution_environments',))
CRED = ('id', ('credentials',))
INV = ('id', ('inventories',))
VERBOSITY = ('choice', (0, 1, 2, 3, 4, 5))
JOB_TYPE = ('choice', ('run', 'check'))
WEBHOOK = ('choice', ('', 'github', 'gitlab', 'bitbucket_dc'))
TEMPLATES = ('job_templates', 'workflow_job_templates', 'projects', 'inventory_sources', 'workflow_approval_templates')

# collection (the URL's list segment) -> the objects' `type`
TYPES = {
    'organizations': 'organization', 'execution_environments': 'execution_environment',
    'credential_types': 'credential_type', 'credentials': 'credential', 'notification_templates': 'notification_template',
    'projects': 'project', 'inventories': 'inventory', 'inventory_sources': 'inventory_source',
    'job_templates': 'job_template', 'workflow_job_templates': 'workflow_job_template',
    'workflow_job_template_nodes': 'workflow_job_template_node', 'workflow_approval_templates': 'workflow_approval_template',
    'schedules': 'schedule', 'users': 'user', 'teams': 'team', 'applications': 'o_auth2_application',
    'system_job_templates': 'system_job_template',
}

# The launch-time settings a workflow node and a schedule may carry (LaunchConfigurationBaseSerializer)
LAUNCH_CONFIG = {
    'extra_data': 'json', 'inventory': INV, 'scm_branch': 'string', 'job_type': JOB_TYPE, 'job_tags': 'string',
    'skip_tags': 'string', 'limit': 'string', 'diff_mode': 'boolean', 'verbosity': VERBOSITY, 'execution_environment': EE,
    'forks': 'integer', 'job_slice_count': 'integer', 'timeout': 'integer',
}

POST_FIELDS = {
    # OrganizationSerializer: custom_virtualenv is read-only
    'organizations': {'name': 'string', 'description': 'string', 'max_hosts': 'integer', 'default_environment': EE},
    # ExecutionEnvironmentSerializer: managed is read-only
    'execution_environments': {'name': 'string', 'description': 'string', 'organization': ORG, 'image': 'string',
                               'credential': CRED, 'pull': ('choice', ('', 'always', 'missing', 'never'))},
    # CredentialTypeSerializer (only the managed ones are used here, never created)
    'credential_types': {'name': 'string', 'description': 'string', 'kind': ('choice', ('cloud', 'net')),
                         'inputs': 'json', 'injectors': 'json'},
    # CredentialSerializerCreate: user and team are write-only, for creation; kind is read-only
    'credentials': {'name': 'string', 'description': 'string', 'organization': ORG,
                    'credential_type': ('id', ('credential_types',)), 'inputs': 'json',
                    'user': ('id', ('users',)), 'team': ('id', ('teams',))},
    'notification_templates': {'name': 'string', 'description': 'string', 'organization': ORG,
                               'notification_type': ('choice', ('awssns', 'email', 'grafana', 'irc', 'mattermost', 'pagerduty',
                                                                'rocketchat', 'slack', 'twilio', 'webhook')),
                               'notification_configuration': 'json', 'messages': 'json'},
    # ProjectSerializer + ProjectOptionsSerializer: scm_revision, status and custom_virtualenv are read-only
    'projects': {'name': 'string', 'description': 'string', 'local_path': 'string',
                 'scm_type': ('choice', ('', 'git', 'svn', 'insights', 'archive')), 'scm_url': 'string', 'scm_branch': 'string',
                 'scm_refspec': 'string', 'scm_clean': 'boolean', 'scm_track_submodules': 'boolean',
                 'scm_delete_on_update': 'boolean', 'credential': CRED, 'timeout': 'integer', 'organization': ORG,
                 'scm_update_on_launch': 'boolean', 'scm_update_cache_timeout': 'integer', 'allow_override': 'boolean',
                 'default_environment': EE, 'signature_validation_credential': CRED},
    'inventories': {'name': 'string', 'description': 'string', 'organization': ORG,
                    'kind': ('choice', ('', 'smart', 'constructed')), 'host_filter': 'string', 'variables': 'string',
                    'prevent_instance_group_fallback': 'boolean'},
    # InventorySourceSerializer: `source` has choices loaded at run time (scm among them); not checked here
    'inventory_sources': {'name': 'string', 'description': 'string', 'execution_environment': EE, 'source': 'string',
                          'source_path': 'string', 'source_vars': 'string', 'scm_branch': 'string', 'credential': CRED,
                          'enabled_var': 'string', 'enabled_value': 'string', 'host_filter': 'string', 'overwrite': 'boolean',
                          'overwrite_vars': 'boolean', 'timeout': 'integer', 'verbosity': ('choice', (0, 1, 2)),
                          'limit': 'string', 'inventory': INV, 'update_on_launch': 'boolean',
                          'update_cache_timeout': 'integer', 'source_project': ('id', ('projects',))},
    # JobTemplateSerializer + JobOptionsSerializer: `organization` is read-only (it comes from the project),
    # credentials are attached through the /credentials/ sub-list
    'job_templates': dict({'name': 'string', 'description': 'string', 'execution_environment': EE, 'job_type': JOB_TYPE,
                           'inventory': INV, 'project': ('id', ('projects',)), 'playbook': 'string', 'scm_branch': 'string',
                           'forks': 'integer', 'limit': 'string', 'verbosity': VERBOSITY, 'extra_vars': 'string',
                           'job_tags': 'string', 'force_handlers': 'boolean', 'skip_tags': 'string',
                           'start_at_task': 'string', 'timeout': 'integer', 'use_fact_cache': 'boolean',
                           'host_config_key': 'string', 'survey_enabled': 'boolean', 'become_enabled': 'boolean',
                           'diff_mode': 'boolean', 'allow_simultaneous': 'boolean', 'job_slice_count': 'integer',
                           'webhook_service': WEBHOOK, 'webhook_credential': CRED,
                           'prevent_instance_group_fallback': 'boolean'},
                          **{'ask_%s_on_launch' % a: 'boolean' for a in (
                              'scm_branch', 'diff_mode', 'variables', 'limit', 'tags', 'skip_tags', 'job_type', 'verbosity',
                              'inventory', 'credential', 'execution_environment', 'labels', 'forks', 'job_slice_count',
                              'timeout', 'instance_groups')}),
    # WorkflowJobTemplateSerializer: no execution_environment
    'workflow_job_templates': dict({'name': 'string', 'description': 'string', 'extra_vars': 'string', 'organization': ORG,
                                    'survey_enabled': 'boolean', 'allow_simultaneous': 'boolean', 'inventory': INV,
                                    'limit': 'string', 'scm_branch': 'string', 'webhook_service': WEBHOOK,
                                    'webhook_credential': CRED, 'skip_tags': 'string', 'job_tags': 'string'},
                                   **{'ask_%s_on_launch' % a: 'boolean' for a in (
                                       'variables', 'inventory', 'scm_branch', 'limit', 'labels', 'skip_tags', 'tags')}),
    # WorkflowJobTemplateNodeSerializer: the success/failure/always links are read-only (sub-lists)
    'workflow_job_template_nodes': dict({'workflow_job_template': ('id', ('workflow_job_templates',)),
                                         'unified_job_template': ('id', TEMPLATES),
                                         'all_parents_must_converge': 'boolean', 'identifier': 'string'}, **LAUNCH_CONFIG),
    # WorkflowApprovalTemplateSerializer, made through a node's create_approval_template
    'workflow_approval_templates': {'name': 'string', 'description': 'string', 'timeout': 'integer'},
    # ScheduleSerializer: dtstart, dtend, next_run, timezone and until are read-only
    'schedules': dict({'name': 'string', 'description': 'string', 'unified_job_template': ('id', TEMPLATES),
                       'enabled': 'boolean', 'rrule': 'string'}, **LAUNCH_CONFIG),
    'users': {'username': 'string', 'first_name': 'string', 'last_name': 'string', 'email': 'string'},
    'teams': {'name': 'string', 'description': 'string', 'organization': ORG},
    'applications': {'name': 'string', 'description': 'string', 'organization': ORG},
}

# Required on create (a serializer's required field or its validate()); inventory of a job template only when
# it does not ask for one at launch (fake_awx checks that)
REQUIRED = {
    'organizations': ('name',), 'execution_environments': ('name', 'image'), 'projects': ('name',),
    'inventories': ('name', 'organization'), 'inventory_sources': ('name', 'inventory', 'source'),
    'credentials': ('name', 'credential_type'),
    'notification_templates': ('name', 'organization', 'notification_type', 'notification_configuration'),
    'job_templates': ('name', 'project', 'playbook', 'inventory'), 'workflow_job_templates': ('name',),
    'workflow_job_template_nodes': ('workflow_job_template',), 'workflow_approval_templates': ('name',),
    'schedules': ('name', 'rrule', 'unified_job_template'),
}

# Fields AWX sets itself from another object (JobTemplate.organization is its project's)
DERIVED = {'job_templates': {'organization': ('project', 'organization')}}

_NOTIFY = ('notification_templates_started', 'notification_templates_success', 'notification_templates_error')
# Sub-lists an object's related links offer for association (POST {"id": N} -> 204), and what they hold
ASSOCIATIONS = {
    'organizations': dict.fromkeys(_NOTIFY + ('notification_templates_approvals',), 'notification_templates'),
    'projects': dict.fromkeys(_NOTIFY, 'notification_templates'),
    'inventory_sources': dict.fromkeys(_NOTIFY, 'notification_templates'),
    'job_templates': dict(dict.fromkeys(_NOTIFY, 'notification_templates'), credentials='credentials'),
    'workflow_job_templates': dict.fromkeys(_NOTIFY + ('notification_templates_approvals',), 'notification_templates'),
    'workflow_job_template_nodes': dict(dict.fromkeys(('success_nodes', 'failure_nodes', 'always_nodes'),
                                                      'workflow_job_template_nodes'), credentials='credentials'),
    'schedules': {'credentials': 'credentials'},
}
# Sub-lists that create objects: (the collection they create into, the field that points back at the parent)
CREATE_SETS = {
    'job_templates': {'schedules': ('schedules', 'unified_job_template')},
    'workflow_job_templates': {'schedules': ('schedules', 'unified_job_template'),
                               'workflow_nodes': ('workflow_job_template_nodes', 'workflow_job_template')},
    'projects': {'schedules': ('schedules', 'unified_job_template')},
    'inventory_sources': {'schedules': ('schedules', 'unified_job_template')},
    'inventories': {'inventory_sources': ('inventory_sources', 'inventory')},
}
