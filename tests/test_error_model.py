"""
One error model and one adapter per transport (issue 18, ADR 0018): every domain error derives from
``core.errors.DomainError`` and never from a built-in; REST maps the kinds in one exception handler, pages in one
web helper; a programming error (a ``ValueError`` raised by a bug) is never turned into a 400 or a message.
"""

import ast
import importlib
import inspect
import pathlib
import pkgutil

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

import perf_mgmt_plugin
from perf_mgmt_plugin.core import errors
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.core.concurrency import Busy
from perf_mgmt_plugin.core.idempotency import IdempotencyError
from perf_mgmt_plugin.core.versioning import EditConflict
from perf_mgmt_plugin.development import api as plans  # the entry points call through the api (ADR 0017)
from perf_mgmt_plugin.development.errors import DevelopmentConflict, DevelopmentError
from perf_mgmt_plugin.rest_api.v1.base import ApiViewMixin
from perf_mgmt_plugin.web.errors import attempt, error_page
from tests.development.test_rest_api import client_for as api_client
from tests.development.test_rest_api import url as api_url

PACKAGE = pathlib.Path(perf_mgmt_plugin.__file__).parent


# ---------------------------------------------------------------------------------------------------------------
# The hierarchy
# ---------------------------------------------------------------------------------------------------------------


def _plugin_exception_classes():
    """Every exception class defined in the plugin's modules (imported, so subclasses made at import count)."""
    found = {}
    for module_info in pkgutil.walk_packages([str(PACKAGE)], "perf_mgmt_plugin."):
        if ".migrations" in module_info.name or module_info.name.endswith(".tests"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


#: Errors that are not the domain's: DRF's own exceptions (the REST adapter's answers), the platform adapter's
#: (``openedx`` sits below ``core`` and translates into the platform's vocabulary; ``core.enrolment`` turns its
#: refusal into the calling domain's error), a dry run's rollback signal and the platform-import guard.
NOT_DOMAIN_ERRORS = {
    "perf_mgmt_plugin.openedx.backend.EnrollmentRefused",
    "perf_mgmt_plugin.openedx.compat.PlatformUnavailable",
    "perf_mgmt_plugin.appraisals.admin._DryRun",
}


def test_no_error_of_the_plugin_derives_from_a_builtin_error_but_from_domain_error():
    classes = _plugin_exception_classes()
    assert "perf_mgmt_plugin.strategy.errors.StrategyError" in classes  # the walk saw the domains
    wrong = []
    for name, cls in classes.items():
        if name in NOT_DOMAIN_ERRORS or name.startswith("perf_mgmt_plugin.rest_api."):
            continue
        if not issubclass(cls, errors.DomainError):
            wrong.append(name)
    assert wrong == []
    for name, cls in classes.items():
        if issubclass(cls, errors.DomainError):
            assert not issubclass(cls, (ValueError, TypeError, KeyError, PermissionError, LookupError)), name


def test_concurrency_and_access_errors_are_kinds_of_the_one_model():
    assert issubclass(Busy, errors.Busy) and issubclass(errors.Conflict, errors.DomainError)
    assert issubclass(DevelopmentConflict, errors.Conflict) and issubclass(DevelopmentConflict, DevelopmentError)
    assert issubclass(EditConflict, errors.PreconditionFailed)
    assert issubclass(AccessDenied, errors.Refused) and not issubclass(AccessDenied, PermissionError)
    assert issubclass(IdempotencyError, errors.Unprocessable)
    # The permission a refusal names is for logs, never for the person: the message is the kind's.
    assert str(AccessDenied("perf_mgmt.manage_frameworks")) == str(errors.Refused.default_message)


def test_no_employee_record_is_one_class_that_every_domain_raises_the_same_way():
    from perf_mgmt_plugin import api  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.competencies.errors import CompetencyError, NoEmployeeRecordForCompetencies
    from perf_mgmt_plugin.strategy.errors import NoEmployeeRecordForStrategy, StrategyError

    assert api.NoEmployeeRecord is errors.NoEmployeeRecord
    assert issubclass(NoEmployeeRecordForStrategy, errors.NoEmployeeRecord)
    assert issubclass(NoEmployeeRecordForStrategy, StrategyError)
    assert issubclass(NoEmployeeRecordForCompetencies, errors.NoEmployeeRecord)
    assert issubclass(NoEmployeeRecordForCompetencies, CompetencyError)
    assert "competencies" not in inspect.getsource(importlib.import_module("perf_mgmt_plugin.strategy.errors"))


def test_nothing_catches_a_builtin_error_next_to_a_domain_error():
    """``except (StrategyError, ValueError)`` swallowed programming errors: no such tuple is left in the plugin."""
    builtin = {"KeyError", "ValueError", "TypeError", "OverflowError", "UnicodeDecodeError", "ValidationError"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Tuple):
                names = {getattr(elt, "id", getattr(elt, "attr", "")) for elt in node.type.elts}
                if "ValueError" in names and names - builtin:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {sorted(names)}")
    assert offenders == []


def test_one_call_helper_for_rest_and_one_try_helper_for_pages():
    sources = {p.name: p.read_text() for p in [*(PACKAGE / "web").glob("*.py"), *(PACKAGE / "rest_api").rglob("*.py")]}
    assert not [name for name, text in sources.items() if "def _call(" in text]
    assert not [name for name, text in sources.items() if "def _try(" in text or "def _act(" in text]


# ---------------------------------------------------------------------------------------------------------------
# REST: one exception handler
# ---------------------------------------------------------------------------------------------------------------


class _Raises(ApiViewMixin, APIView):
    permission_classes = []
    authentication_classes = []
    exc = None

    def get(self, request):
        raise self.exc


def _answer(exc):
    view = _Raises.as_view(exc=exc)
    response = view(APIRequestFactory().get("/"))
    response.render()
    return response


@pytest.mark.parametrize(
    "exc, status, body",
    [
        (DevelopmentError("No such kind."), 400, {"detail": ["No such kind."]}),
        (errors.DomainError("Plain."), 400, {"detail": ["Plain."]}),
        (AccessDenied("perf_mgmt.x"), 403, {"detail": "You do not have permission to perform this action."}),
        (errors.Refused("Only the author changes a note."), 403, {"detail": "Only the author changes a note."}),
        (errors.NotFound("Review 12 of Bob"), 404, {"detail": "Not found."}),
        (Http404("No Employee matches the given query."), 404, {"detail": "Not found."}),
        (DevelopmentConflict("Cancelled in the meantime."), 409, {"detail": "Cancelled in the meantime."}),
        (EditConflict(current=3), 412, {"detail": str(EditConflict()), "current_etag": '"3"'}),
        (EditConflict(), 412, {"detail": str(EditConflict()), "current_etag": None}),
        (errors.PreconditionRequired(), 428, {"detail": str(errors.PreconditionRequired.default_message)}),
        (IdempotencyError("Bad key."), 422, {"detail": "Bad key."}),
        (Busy(), 503, {"detail": str(Busy())}),
    ],
)
def test_rest_maps_each_kind_to_its_status_with_a_json_body(exc, status, body):
    response = _answer(exc)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.data == body
    if status == 503:
        assert response["Retry-After"] == "1"


def test_rest_handler_is_the_views_own_not_a_platform_setting(settings):
    from rest_framework.settings import api_settings  # pylint: disable=import-outside-toplevel

    assert "EXCEPTION_HANDLER" not in getattr(settings, "REST_FRAMEWORK", {})
    assert api_settings.EXCEPTION_HANDLER.__module__ == "rest_framework.views"
    assert _Raises().get_exception_handler().__module__ == "perf_mgmt_plugin.rest_api.v1.errors"


def test_rest_does_not_turn_a_programming_error_into_a_client_error():
    with pytest.raises(ValueError, match="a bug"):
        _answer(ValueError("a bug"))


@pytest.fixture
def item(org):
    plan = plans.create_plan(org.manager.user, org.alice)
    return plans.add_item(org.manager.user, plan, kind="on_the_job", title="Shadow a lead")


@pytest.mark.django_db
def test_rest_a_value_error_inside_a_domain_function_is_not_swallowed(org, item, monkeypatch):
    def buggy(*args, **kwargs):
        raise ValueError("a bug in the domain")

    monkeypatch.setattr(plans, "complete_item", buggy)
    with pytest.raises(ValueError, match="a bug in the domain"):
        api_client(org.alice.user).post(
            api_url("plan-item-complete", pk=item.plan_id, item_pk=item.pk), {}, format="json"
        )


@pytest.mark.django_db
def test_rest_a_domain_error_inside_a_domain_function_is_a_400(org, item, monkeypatch):
    def refused(*args, **kwargs):
        raise DevelopmentError("Not now.")

    monkeypatch.setattr(plans, "complete_item", refused)
    response = api_client(org.alice.user).post(
        api_url("plan-item-complete", pk=item.plan_id, item_pk=item.pk), {}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"detail": ["Not now."]})


# ---------------------------------------------------------------------------------------------------------------
# Pages: one web helper
# ---------------------------------------------------------------------------------------------------------------


def _page_request(user=None):
    request = RequestFactory().post("/", HTTP_REFERER="http://testserver/perf-mgmt/")
    request.session = {}
    request._messages = FallbackStorage(request)  # pylint: disable=protected-access
    request.user = user
    return request


def _raise(exc):
    raise exc


def test_attempt_shows_a_domain_error_as_a_message_and_reports_failure():
    request = _page_request()
    assert attempt(request, _raise, DevelopmentConflict("Cancelled meanwhile.")) is False
    assert [str(m) for m in request._messages] == ["Cancelled meanwhile."]  # pylint: disable=protected-access
    assert attempt(request, lambda: None, success="Saved.") is True


@pytest.mark.parametrize("exc", [AccessDenied("perf_mgmt.x"), Busy(), ValueError("a bug")])
def test_attempt_lets_refusals_busy_writes_and_bugs_through(exc):
    with pytest.raises(type(exc)):
        attempt(_page_request(), _raise, exc)


def test_attempt_answers_not_found_with_a_404():
    with pytest.raises(Http404):
        attempt(_page_request(), _raise, errors.NotFound())


@pytest.mark.django_db
def test_a_refusal_is_the_plugins_403_page_with_navigation_and_a_way_back(org):
    response = error_page(_page_request(org.alice.user), AccessDenied("perf_mgmt.x"))
    page = response.content.decode()
    assert response.status_code == 403
    assert str(errors.Refused.default_message) in page and "perf_mgmt.x" not in page
    assert 'href="http://testserver/perf-mgmt/"' in page  # the way back
    assert reverse("perf_mgmt:home") in page  # the navigation
    assert error_page(_page_request(org.alice.user), ValueError("a bug")) is None


@pytest.mark.django_db
def test_a_page_does_not_swallow_a_value_error_inside_a_domain_function(org, item, monkeypatch):
    def buggy(*args, **kwargs):
        raise ValueError("a bug in the domain")

    monkeypatch.setattr(plans, "complete_item", buggy)
    client = Client()
    client.force_login(org.alice.user)
    with pytest.raises(ValueError, match="a bug in the domain"):
        client.post(reverse("perf_mgmt:my-plan"), {"action": "done", "item": item.pk})


@pytest.mark.django_db
def test_a_page_answers_a_refusal_inside_a_domain_function_with_the_403_page(org, item, monkeypatch):
    def refused(*args, **kwargs):
        raise AccessDenied("perf_mgmt.change_plan")

    monkeypatch.setattr(plans, "complete_item", refused)
    client = Client()
    client.force_login(org.alice.user)
    response = client.post(
        reverse("perf_mgmt:my-plan"), {"action": "done", "item": item.pk}, HTTP_REFERER="http://testserver/perf-mgmt/"
    )
    assert response.status_code == 403
    assert 'href="http://testserver/perf-mgmt/"' in response.content.decode()
