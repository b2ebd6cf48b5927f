"""
Optimistic concurrency of an objective's edit (ADR 0016): the edit page's hidden version and its "changed by
someone else" notice keeping the user's input; REST ``ETag`` / ``If-Match`` (412) and PATCH of only the keys sent.
"""

import pytest

from perf_mgmt_plugin.strategy.models import Objective
from tests.development.test_rest_api import client_for as _api
from tests.development.test_rest_api import url as api_url

from .test_pages_forms import _edit_post, client_for, url

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")


def _api_url(pk):
    return api_url("objective", pk=pk)


def test_two_tabs_of_the_edit_page(org, strategy):
    task = strategy.alice_task
    client = client_for(org.manager.user)
    page = client.get(url("objective-edit", task.pk))
    assert page.context["form"]["version"].value() == 0
    assert '<input type="hidden" name="version" value="0"' in page.content.decode()
    first = client.post(url("objective-edit", task.pk), _edit_post(task, title="Title from tab one", version=0))
    assert first.status_code == 302
    second = client.post(url("objective-edit", task.pk), _edit_post(task, description="From tab two", version=0))
    assert second.status_code == 409
    body = second.content.decode()
    assert "changed by someone else" in body and 'data-testid="conflict"' in body
    assert "From tab two" in body  # the user's input kept in the form
    assert "Title from tab one" in body  # what is saved now, where it differs from the input
    assert second.context["form"]["version"].value() == 1
    task.refresh_from_db()
    assert (task.title, task.description, task.version) == ("Title from tab one", "", 1)
    # Saving again (with the version now shown) is the user's informed choice.
    data = second.context["form"].data
    assert client.post(url("objective-edit", task.pk), data).status_code == 302
    task.refresh_from_db()
    assert task.description == "From tab two" and task.version == 2


def test_rest_etag_if_match_and_partial_patch(org, strategy):
    task = strategy.alice_task
    client = _api(org.manager.user)
    read = client.get(_api_url(task.pk))
    assert read["ETag"] == '"0"'
    changed = client.patch(_api_url(task.pk), {"title": "New title"}, format="json", HTTP_IF_MATCH='"0"')
    assert changed.status_code == 200 and changed["ETag"] == '"1"'
    assert (changed.json()["unit"], changed.json()["target_value"]) == ("services", 10.0)  # the rest kept
    stale = client.patch(_api_url(task.pk), {"title": "Lost?"}, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412 and stale.json()["current_etag"] == '"1"'
    assert Objective.objects.get(pk=task.pk).title == "New title"
    assert client.patch(_api_url(task.pk), {"title": "No header"}, format="json").status_code == 200
    assert Objective.objects.get(pk=task.pk).version == 2
