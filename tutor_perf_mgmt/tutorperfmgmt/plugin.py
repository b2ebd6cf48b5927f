"""
Tutor plugin of perf-mgmt for Open edX: the pip requirement, the LMS settings, the Celery queue the workers consume
and the periodic jobs.

Tutor builds the ``openedx`` image with the ``openedx-dockerfile-post-python-requirements`` patch, renders the
settings with ``openedx-lms-common-settings``, starts ``lms-worker`` with the ``--queues`` of its
``LMS_WORKER_COMMAND`` filter (``edx.lms.core.default,edx.lms.core.high,edx.lms.core.high_mem``) and runs no Celery
beat or cron: the plugin adds a beat service for ``tutor local``.
"""

from tutor import hooks

from . import __version__

#: The perf-mgmt release this plugin version installs by default.
DEFAULT_PIP_REQUIREMENT = f"openedx-perf-mgmt=={__version__}"
#: A queue the LMS's workers consume already (the LMS's default queue, CELERY_DEFAULT_QUEUE).
DEFAULT_QUEUE = "edx.lms.core.default"

hooks.Filters.CONFIG_DEFAULTS.add_items(
    [
        ("PERF_MGMT_PIP_REQUIREMENT", DEFAULT_PIP_REQUIREMENT),
        ("PERF_MGMT_CELERY_QUEUE", DEFAULT_QUEUE),
        ("PERF_MGMT_RUN_BEAT", True),
        # Where Celery beat keeps its state (last run of each job), in the LMS's data volume.
        ("PERF_MGMT_BEAT_SCHEDULE_FILE", "/openedx/data/perf_mgmt_celerybeat-schedule"),
    ]
)

#: The periodic jobs (task name, crontab hour, minute), in the LMS's TIME_ZONE (UTC). Each is safe to repeat: a
#: duplicated or retried run finds its work done (see perf_mgmt_plugin/tasks.py).
PERIODIC_JOBS = [
    ("perf_mgmt.recompute_gaps", 1, 30),  # competency gaps and the trends' daily snapshot
    ("perf_mgmt.recompute_strategy", 2, 0),  # objectives' progress, status and forecasts
    ("perf_mgmt.schedule_check_ins", 2, 30),  # due check-ins created, unheld past ones marked missed
    ("perf_mgmt.send_plan_reminders", 7, 0),  # overdue development plan items
    ("perf_mgmt.send_appraisal_reminders", 7, 15),  # appraisal steps before their deadline and once overdue
    ("perf_mgmt.send_profiling_reminders", 7, 30),  # lane profiling2: 360 raters who have not answered
    # lane health: daily, but only the month's first run sends (perf_mgmt_plugin/health/sending.py)
    ("perf_mgmt.send_health_packs", 6, 0),  # the monthly organisational health pack
]

SETTINGS_PATCH = """
# perf-mgmt for Open edX (tutor-contrib-perf-mgmt)
PERF_MGMT_CELERY_QUEUE = "{{ PERF_MGMT_CELERY_QUEUE }}"
from celery.schedules import crontab as _perf_mgmt_crontab
CELERYBEAT_SCHEDULE = dict(globals().get("CELERYBEAT_SCHEDULE") or {})
CELERYBEAT_SCHEDULE.update({
%s
})
""" % "\n".join(
    f'    "{task}": {{"task": "{task}", "schedule": _perf_mgmt_crontab(hour={hour}, minute={minute}), '
    '"options": {"queue": PERF_MGMT_CELERY_QUEUE}},'
    for task, hour, minute in PERIODIC_JOBS
)

DOCKERFILE_PATCH = """
# perf-mgmt for Open edX (tutor-contrib-perf-mgmt)
RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\
    $PIP_COMMAND install '{{ PERF_MGMT_PIP_REQUIREMENT }}'
"""

BEAT_SERVICE_PATCH = """{% if PERF_MGMT_RUN_BEAT %}
# perf-mgmt for Open edX: Celery beat for its periodic jobs (Tutor runs none)
perf-mgmt-beat:
  image: {{ DOCKER_IMAGE_OPENEDX }}
  environment:
    SERVICE_VARIANT: lms
    DJANGO_SETTINGS_MODULE: lms.envs.tutor.production
  command: ["celery", "--app=lms.celery", "beat", "--loglevel=info",
            "--schedule={{ PERF_MGMT_BEAT_SCHEDULE_FILE }}"]
  restart: unless-stopped
  volumes:
    - ../apps/openedx/settings/lms:/openedx/edx-platform/lms/envs/tutor:ro
    - ../apps/openedx/settings/cms:/openedx/edx-platform/cms/envs/tutor:ro
    - ../apps/openedx/config:/openedx/config:ro
    - ../../data/lms:/openedx/data
  depends_on:
    - lms
{% endif %}"""

hooks.Filters.ENV_PATCHES.add_items(
    [
        ("openedx-dockerfile-post-python-requirements", DOCKERFILE_PATCH),
        ("openedx-lms-common-settings", SETTINGS_PATCH),
        ("local-docker-compose-prod-services", BEAT_SERVICE_PATCH),
    ]
)

# The lms-worker's --queues come from a filter that has no access to the configuration: remember the queue when
# the configuration is loaded (before anything is rendered), and add it to the worker's list if it is not there.
_queue = {"name": DEFAULT_QUEUE}


@hooks.Actions.CONFIG_LOADED.add()
def _remember_queue(config):
    _queue["name"] = config.get("PERF_MGMT_CELERY_QUEUE") or DEFAULT_QUEUE


@hooks.Filters.LMS_WORKER_COMMAND.add()
def _consume_queue(command):
    result = []
    for item in command:
        if item.startswith("--queues="):
            queues = item.removeprefix("--queues=").split(",")
            if _queue["name"] not in queues:
                item = "--queues=" + ",".join([*queues, _queue["name"]])
        result.append(item)
    return result
