"""
Fixtures and helpers of the XBlock tests: a framework with descriptive levels, self-assessment and check-in blocks in
a course, the course page and handler calls through the host, and the blocks' translation catalogues.
"""

import ast
import json
import re
from pathlib import Path

import pytest

from lms_host import xblock_runtime
from lms_host.courses.models import CourseEnrollment
from tests.fixtures.blocks import block_olx, checkin_olx  # noqa: F401  (imported from here by the tests)


@pytest.fixture
def enroll(org):
    def factory(*users):
        for user in users:
            CourseEnrollment.objects.create(user=user, course_id=org.course_key)

    return factory


#: The shared base of the blocks: its marked strings belong in every block's catalogue (each block has its own).
COMMON_PYTHON = Path(__file__).resolve().parents[2] / "xblocks" / "common" / "base.py"


def page_of(client, org):
    response = client.get(f"/courses/{org.course_key}/")
    assert response.status_code == 200
    return response.content.decode()


def handler(org, course_block, name):
    return f"/courses/{org.course_key}/xblock/{course_block.usage_id}/{name}/"


def studio_handler(org, course_block, name):
    """The URL of a handler in the host's Studio (the editor pages' handler view, with Studio's services)."""
    return f"/courses/{org.course_key}/studio/xblock/{course_block.usage_id}/{name}/"


def post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def call_handler(block, name, payload=None):
    """``(status, JSON body)`` of the block's JSON handler ``name``, called through its runtime (no HTTP view)."""
    from webob import Request  # pylint: disable=import-outside-toplevel

    request = Request.blank("/", method="POST", body=json.dumps(payload or {}).encode())
    response = block.runtime.handle(block, name, request)
    return response.status_code, json.loads(response.body)


def block_for(org, course_block, user):
    """The block as ``user`` sees it, from a runtime of the course (``user=None``: nobody signed in)."""
    return xblock_runtime.HostRuntime(org.course_key, user).get_block(course_block.usage_id)


@pytest.fixture
def published(monkeypatch):
    """Events the blocks publish through the runtime, which still handles them (completions become rows)."""
    events = []
    original = xblock_runtime.HostRuntime.publish

    def publish(runtime, block, event_type, event_data):
        events.append((block.scope_ids.usage_id, event_type, event_data))
        original(runtime, block, event_type, event_data)

    monkeypatch.setattr(xblock_runtime.HostRuntime, "publish", publish)
    return events


def catalogue(package_dir):
    """The msgids of the blocks' English catalogue (``xblocks/translations/en/LC_MESSAGES/text.po``, shared)."""
    text = (package_dir.parent / "translations" / "en" / "LC_MESSAGES" / "text.po").read_text(encoding="utf-8")
    msgids, current = set(), None
    for line in text.splitlines():
        if line.startswith("msgid "):
            current = json.loads(line[6:])
        elif line.startswith('"') and current is not None:
            current += json.loads(line)
        else:
            if current:
                msgids.add(current)
            current = None
    return msgids


def marked_strings(package_dir):
    """
    Strings marked in a block's Python (``_()``/``self._()``, its ``block.py`` and the shared base) and templates
    (``{% trans "..." %}``, ``{% blocktrans %}``).
    """
    found = set()
    for source in (package_dir / "block.py", COMMON_PYTHON):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "_" and isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
    for template in (package_dir / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        found.update(re.findall(r'{% trans "([^"]+)" %}', text))
        for body in re.findall(r"{% blocktrans(?: with [^%]*)? %}(.*?){% endblocktrans %}", text):
            found.add(re.sub(r"{{ (\w+) }}", r"%(\1)s", body))
    return found


class ShoutingI18n:
    """An i18n service that upper-cases every gettext, to see which strings go through the runtime's service."""

    def gettext(self, text):
        return text.upper()

    def __getattr__(self, name):  # anything else: as Django's
        from django.utils import translation  # pylint: disable=import-outside-toplevel

        return getattr(translation, name)


def block_with_shouting_i18n(org, course_block, user):
    """The block as ``user`` sees it from a runtime whose i18n service is :class:`ShoutingI18n`."""
    runtime = xblock_runtime.HostRuntime(org.course_key, user)
    runtime._services["i18n"] = ShoutingI18n()  # pylint: disable=protected-access
    return runtime.get_block(course_block.usage_id)
