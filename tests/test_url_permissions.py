"""
The guard over every entry point of the plugin: its list of pages and endpoints is derived, not written by hand.

* The routes come from the running URLconf (``tests.routes.plugin_routes``: every pattern under ``perf_mgmt``) and
  the REST operations from the OpenAPI schema (every path and method drf-spectacular documents).
* ``MATRIX`` has one row per route and method: what an anonymous caller and what a signed-in user with no role at
  all (``outsider``: no employee record, no HR group, no course role) get. A route or a schema operation without a
  row fails :func:`test_every_route_and_operation_has_a_row`, so a new endpoint or page cannot ship unchecked; a row
  without a route fails it too, so the matrix stays true.
* :func:`test_matrix` runs every row against real objects of each kind (``world``), and again with ids that exist
  nowhere: an outsider gets the same answer for both, so no id can be enumerated (issue 15).
* :func:`test_the_guard_catches_a_planted_route` plants an uncovered route and schema operation and checks that the
  guard names them.

The per-role matrices of the domains (tests/org/test_permission_matrix.py, tests/strategy/test_permissions.py,
tests/appraisals/test_rest_permissions.py, ...) say what each persona may do; this one says that nothing is left out.
"""

import datetime
import re

import pytest
from django.db import transaction
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from perf_mgmt_plugin.appraisals.models import FollowUpAction, InterimNote, Review, ReviewTemplate
from perf_mgmt_plugin.blended.models import JobAid
from perf_mgmt_plugin.competencies.models import CourseRecommendation, PositionRequirement
from perf_mgmt_plugin.development import services as development
from perf_mgmt_plugin.development.models import PlanTemplate
from perf_mgmt_plugin.org.models import ImportJob
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Impediment

from .routes import Route, plugin_routes

METHODS = ("get", "post", "put", "patch", "delete")

# One row per route and method: ``name method anonymous outsider``. Names are the URL names, ``api.`` for REST and
# ``page.`` for pages. Outcomes: a status code, or ``login`` (a redirect to sign in). The outsider is signed in
# with no role: a 403 where the whole route is refused, a 404 where the thing asked for is out of their sight
# (exactly as a missing one), a 400 where the route is theirs but the empty body is not valid, 200 where any
# signed-in user may read (their own empty lists).
MATRIX_TABLE = """
api.me                                           get    401    200
api.people                                       get    401    200
api.person                                       get    401    404
api.person-chain                                 get    401    404
api.team                                         get    401    403
api.org-units                                    get    401    403
api.positions                                    get    401    403
api.org-import                                   post   401    403
api.org-import-job                               get    401    403
api.frameworks                                   get    401    200
api.framework-import                             post   401    403
api.framework-import-taxonomy                    post   401    403
api.taxonomies                                   get    401    403
api.framework                                    get    401    200
api.framework-export                             get    401    200
api.requirements                                 get    401    200
api.requirements                                 post   401    403
api.requirement                                  delete 401    403
api.gap-audit                                    get    401    403
api.gap-audit-cell                               get    401    403
api.gap-audit-export                             get    401    403
api.person-assessments                           get    401    404
api.person-assessments                           post   401    404
api.person-gaps                                  get    401    404
api.person-course-recommendations                get    401    404
api.course-recommendations                       post   401    400
api.course-recommendation-respond                post   401    404
api.objectives                                   get    401    200
api.objectives                                   post   401    400
api.objective                                    get    401    404
api.objective                                    patch  401    404
api.objective-sight                              get    401    404
api.objective-progress                           get    401    404
api.objective-progress                           post   401    404
api.objective-cascade                            post   401    404
api.strategy-dashboard                           get    401    403
api.cascade                                      get    401    200
api.cascade-export                               get    401    200
api.check-ins                                    get    401    200
api.check-in                                     get    401    404
api.check-in                                     post   401    404
api.check-in-series                              post   401    403
api.help-requests                                get    401    200
api.help-requests                                post   401    400
api.strategy-resolve                             post   401    404
api.notifications                                get    401    200
api.plans                                        get    401    200
api.plans                                        post   401    400
api.plan                                         get    401    404
api.plan                                         patch  401    404
api.plan-propose                                 post   401    404
api.plan-approve                                 post   401    404
api.plan-send-back                               post   401    404
api.plan-complete                                post   401    404
api.plan-archive                                 post   401    404
api.plan-items                                   post   401    404
api.plan-items-approve                           post   401    404
api.plan-item-enrol                              post   401    404
api.plan-item-complete                           post   401    404
api.plan-item-cancel                             post   401    404
api.plan-comments                                get    401    404
api.plan-comments                                post   401    404
api.person-plans                                 get    401    404
api.plan-templates                               get    401    403
api.plan-template-assign                         post   401    403
api.course-plan-learners                         get    401    403
api.appraisal-templates                          get    401    403
api.appraisal-templates                          post   401    403
api.appraisal-template                           get    401    403
api.appraisal-template                           patch  401    403
api.appraisal-note                               get    401    404
api.appraisal-note                               patch  401    404
api.appraisal-cycles                             get    401    200
api.appraisal-cycles                             post   401    403
api.appraisal-cycle                              get    401    404
api.appraisal-cycle                              patch  401    404
api.appraisal-cycle-launch                       post   401    404
api.appraisal-cycle-launch-progress              get    401    404
api.appraisal-cycle-close                        post   401    404
api.appraisal-survey-submit                      post   401    404
api.appraisal-survey-results                     get    401    403
api.appraisal-survey-export                      get    401    403
api.appraisal-report-completion                  get    401    403
api.appraisal-report-overdue                     get    401    403
api.appraisal-report-ratings                     get    401    403
api.appraisal-report-coaching                    get    401    403
api.appraisal-reviews                            get    401    200
api.appraisal-review                             get    401    404
api.appraisal-review-self-review                 post   401    404
api.appraisal-review-manager-review              post   401    404
api.appraisal-review-request-coaching            post   401    404
api.appraisal-review-share                       post   401    404
api.appraisal-review-meeting                     post   401    404
api.appraisal-review-attend                      post   401    404
api.appraisal-review-sign-off                    post   401    404
api.appraisal-review-reopen                      post   401    404
api.appraisal-review-coaching-feedback           post   401    404
api.appraisal-review-actions                     post   401    404
api.appraisal-action-complete                    post   401    404
api.appraisal-action-cancel                      post   401    404
api.appraisal-person-notes                       get    401    404
api.appraisal-person-notes                       post   401    404
api.appraisal-cycle-coaches                      post   401    404
api.appraisal-cycle-coach                        delete 401    404
api.appraisal-coached-reviews                    get    401    200
api.appraisal-surveys-pending                    get    401    200
api.appraisal-survey-trends                      get    401    403
page.api-schema                                  get    200    200
page.api-docs                                    get    200    200
page.home                                        get    login  200
page.my-team                                     get    login  403
page.people                                      get    login  403
page.org-chart                                   get    login  403
page.course-staff                                get    login  403
page.org-import                                  get    login  403
page.org-import                                  post   login  403
page.org-import-job                              get    login  403
page.org-import-apply                            get    405    405
page.org-import-apply                            post   login  403
page.my-competencies                             get    login  200
page.my-competencies                             post   login  200
page.gap-audit                                   get    login  403
page.gap-audit-cell                              get    login  403
page.gap-audit-csv                               get    login  403
page.gap-audit-cell-courses                      get    405    405
page.gap-audit-cell-courses                      post   login  403
page.person-competencies                         get    login  404
page.person-competencies                         post   login  404
page.respond-to-recommendation                   get    405    405
page.respond-to-recommendation                   post   login  404
page.my-plan                                     get    login  200
page.my-plan                                     post   login  200
page.team-plans                                  get    login  403
page.plan-review                                 get    login  404
page.plan-review                                 post   login  404
page.course-learners                             get    login  403
page.course-learners-csv                         get    login  403
page.my-objectives                               get    login  200
page.objective                                   get    login  404
page.objective                                   post   login  404
page.objective-new                               get    login  403
page.objective-new                               post   login  403
page.objective-new-child                         get    login  404
page.objective-new-child                         post   login  404
page.objective-edit                              get    login  404
page.objective-edit                              post   login  404
page.objective-cascade                           get    login  403
page.objective-cascade                           post   login  403
page.strategy-dashboard                          get    login  403
page.cascade                                     get    login  200
page.cascade-csv                                 get    login  200
page.check-in                                    get    login  404
page.check-in                                    post   login  404
page.resolve-item                                get    405    405
page.resolve-item                                post   login  404
page.my-reviews                                  get    login  200
page.my-reviews                                  post   login  200
page.team-reviews                                get    login  403
page.coaching                                    get    login  200
page.appraisal-review                            get    login  404
page.appraisal-survey                            get    login  404
page.appraisal-survey                            post   login  404
page.person-notes                                get    login  404
page.person-notes                                post   login  404
page.note-edit                                   get    login  404
page.note-edit                                   post   login  404
page.quick-note                                  get    405    405
page.quick-note                                  post   login  403
page.appraisal-cycles                            get    login  403
page.appraisal-templates                         get    login  403
page.appraisal-template-new                      get    login  403
page.appraisal-template-new                      post   login  403
page.appraisal-template-edit                     get    login  403
page.appraisal-template-edit                     post   login  403
page.appraisal-cycle-new                         get    login  403
page.appraisal-cycle-new                         post   login  403
page.appraisal-cycle                             get    login  403
page.appraisal-cycle-progress                    get    login  403
page.appraisal-cycle-launch                      get    405    405
page.appraisal-cycle-launch                      post   login  403
page.appraisal-cycle-close                       get    405    405
page.appraisal-cycle-close                       post   login  403
page.appraisal-cycle-coaches                     get    login  404
page.appraisal-cycle-coaches                     post   login  404
page.appraisal-cycle-survey-csv                  get    login  403
page.requirement-positions                       get    login  403
page.position-requirements                       get    login  403
page.position-requirements                       post   login  403
api.profiling-profiles                           get    401    403
api.profiling-rounds                             get    401    403
api.profiling-rounds                             post   401    403
api.profiling-round                              get    401    404
api.profiling-round-close                        post   401    404
api.profiling-tasks                              get    401    200
api.profiling-sheet                              get    401    404
api.profiling-sheet                              post   401    404
api.profiling-decline                            post   401    404
api.profiling-nominations                        post   401    404
api.profiling-approve                            post   401    404
api.profiling-report                             get    401    404
api.profiling-release                            post   401    404
page.my-feedback                                 get    login  200
page.my-feedback                                 post   login  200
page.feedback-answer                             get    login  404
page.feedback-answer                             post   login  404
page.feedback-nominate                           get    login  404
page.feedback-nominate                           post   login  404
page.feedback-approve                            get    login  404
page.feedback-approve                            post   login  404
page.feedback-report                             get    login  404
page.feedback-report                             post   login  404
page.feedback-report-print                       get    login  404
page.feedback-report-csv                         get    login  404
page.feedback-add-to-plan                        get    login  404
page.feedback-add-to-plan                        post   login  404
page.feedback-profiles                           get    login  403
page.feedback-profiles                           post   login  403
page.feedback-profile                            get    login  403
page.feedback-profile                            post   login  403
page.feedback-rounds                             get    login  403
page.feedback-rounds                             post   login  403
page.feedback-round                              get    login  403
page.feedback-round                              post   login  403
api.profiling-profiles                           post   401    403
api.profiling-profile                            get    401    403
api.profiling-profile                            patch  401    403
api.profiling-profile-copy                       post   401    403
api.profiling-profile-status                     post   401    403
api.profiling-own-round                          post   401    400
api.profiling-coach                              post   401    403
api.profiling-round-deadlines                    post   401    404
page.observations                                get    login  403
page.observations                                post   login  403
page.job-aid-download                            get    login  404
api.health-pack                                  get    401    403
api.health-pack-csv                              get    401    403
api.health-preference                            get    401    403
api.health-preference                            put    401    403
api.health-manager                               get    401    404
api.health-coaching-plan                         post   401    404
api.succession-key-positions                     get    401    403
api.succession-key-positions                     post   401    403
api.succession-pool                              get    401    404
api.succession-pool-csv                          get    401    404
api.succession-suggestions                       get    401    404
api.succession-candidates                        post   401    404
api.succession-candidate                         get    401    404
api.succession-candidate                         patch  401    404
api.succession-candidate                         delete 401    404
api.succession-candidate-gaps                    post   401    404
api.succession-potential                         put    401    404
api.succession-talent-grid                       get    401    403
page.health                                      get    login  403
page.health-preference                           get    405    405
page.health-preference                           post   login  403
page.health-manager                              get    login  404
page.health-manager                              post   login  404
page.succession                                  get    login  403
page.succession                                  post   login  403
page.succession-position                         get    login  404
page.succession-position                         post   login  404
page.talent-grid                                 get    login  403
"""


def _parse(table):
    rows = {}
    for line in table.strip().splitlines():
        name, method, anonymous, outsider = line.split()
        rows[(name, method)] = (anonymous, outsider)
    return rows


MATRIX = _parse(MATRIX_TABLE)
#: Open to anonymous callers: the OpenAPI schema and its docs page describe the API and hold no data.
PUBLIC = {"page.api-schema", "page.api-docs"}


def _template(text):
    """A path with its parameters blanked: ``/a/<int:pk>/`` and ``/a/{id}/`` both become ``/a/{}/``."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", text.replace("^", "").replace("$", ""))


def schema_operations(urlconf="perf_mgmt_plugin.rest_api.schema_urls"):
    """Every (path template, method) the OpenAPI schema documents."""
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return {(_template(p), m) for p, ops in schema["paths"].items() for m in ops if m in METHODS}


def uncovered(routes, operations, matrix):
    """What the matrix misses: routes without a row, schema operations without a row, rows without a route."""
    by_template = {_template("/" + route.route): route for route in routes}
    names = {route.short_name for route in routes}
    missing_routes = sorted(name for name in names if not any(key[0] == name for key in matrix))
    missing_operations = sorted(
        f"{method.upper()} {blanked}"
        for blanked, method in operations
        if blanked not in by_template or (by_template[blanked].short_name, method) not in matrix
    )
    stale = sorted(f"{name} {method}" for name, method in matrix if name not in names)
    return {"routes": missing_routes, "operations": missing_operations, "stale rows": stale}


def test_every_route_and_operation_has_a_row():
    assert uncovered(plugin_routes(), schema_operations(), MATRIX) == {"routes": [], "operations": [], "stale rows": []}


def test_the_guard_catches_a_planted_route():
    """A page and an endpoint added to the URLconf (and the schema) without a row are named by the guard."""
    routes = plugin_routes()
    planted = [
        Route(name="perf_mgmt:planted", route="perf-mgmt/planted/<int:pk>/", callback=lambda request: None),
        Route(name="perf_mgmt:api-v1:planted", route="perf-mgmt/api/v1/planted/", callback=lambda request: None),
    ]
    operations = schema_operations() | {("/perf-mgmt/api/v1/planted/", "post")}
    found = uncovered(routes + planted, operations, MATRIX)
    assert found["routes"] == ["api.planted", "page.planted"]
    assert found["operations"] == ["POST /perf-mgmt/api/v1/planted/"]
    # A row left behind by a removed route is named too.
    assert uncovered(routes, schema_operations(), {**MATRIX, ("page.gone", "get"): ("login", "404")})["stale rows"] == [
        "page.gone get"
    ]


def test_routes_are_read_from_the_urlconf_itself():
    """The walk sees a route added to a URLconf (here a copy of the plugin's with one more pattern)."""
    from django.urls import include  # pylint: disable=import-outside-toplevel

    from perf_mgmt_plugin import urls as plugin_urls  # pylint: disable=import-outside-toplevel

    extra = [
        path("perf-mgmt/", include((plugin_urls.urlpatterns + [path("x/", lambda r: None, name="x")], "perf_mgmt")))
    ]
    names = {route.short_name for route in plugin_routes(extra)}
    assert "page.x" in names and "api.person" in names


# -- running the matrix ----------------------------------------------------------------------------------------------


@pytest.fixture
def world(org, cycle, fw, strategy, today):  # noqa: F811
    """One object of every kind a route takes an id or slug of (all owned by others than the outsider)."""
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    plan = development.create_plan(org.manager.user, org.alice)
    item = development.add_item(org.manager.user, plan, kind="reading", title="Book")
    PlanTemplate.objects.create(slug="starter", name="Starter")
    return {
        "person": org.alice.pk,
        "reviewer": org.manager.pk,
        "cycle": cycle.pk,
        "review": review.pk,
        "review_template_slug": cycle.template.slug,
        "review_template": ReviewTemplate.objects.get(slug=cycle.template.slug).pk,
        "action": FollowUpAction.objects.create(
            review=review, employee=org.alice, title="Act", due_date=today + datetime.timedelta(days=9)
        ).pk,
        "objective": strategy.alice_task.pk,
        "check_in": CheckIn.objects.create(employee=org.alice, scheduled_for=timezone.now()).pk,
        "impediment": Impediment.objects.create(employee=org.alice, description="Blocked").pk,
        "help": HelpRequest.objects.create(employee=org.alice, body="Help").pk,
        "plan": plan.pk,
        "item": item.pk,
        "plan_template": "starter",
        "framework": "leadership",
        "requirement": PositionRequirement.objects.get_or_create(
            position=org.dev, competency=fw.coach, defaults={"required_level": 3}
        )[0].pk,
        "recommendation": CourseRecommendation.objects.create(
            person=org.alice, competency=fw.coach, course_key=str(org.course_key), kind="recommended"
        ).pk,
        "import_job": ImportJob.objects.create(kind=ImportJob.KIND_ORG_UNITS, user=org.hr).pk,
        "course": str(org.course_key),
        "note": InterimNote.objects.create(author=org.manager.user, employee=org.alice, body="Noted").pk,
        "position": org.dev.pk,  # lane host
        **_profiling_world(org, fw),  # lane profiling
    }


def _profiling_world(org, fw):  # noqa: F811  (lane profiling)
    """A closed 180 round on Alice (her report readable by her manager, not by the outsider)."""
    from perf_mgmt_plugin.profiling import services as profiling  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.profiling.models import Rater, Subject  # pylint: disable=import-outside-toplevel

    profile = profiling.create_profile(org.hr, family="matrix", name="Matrix", kind="180", competency_ids=[fw.coach.pk])
    profiling.set_profile_status(org.hr, profile, "active")
    rnd = profiling.start_round(org.hr, profile, name="Matrix round", person_ids=[org.alice.pk], notify_people=False)
    subject = Subject.objects.get(round=rnd)
    return {
        "profiling_profile": profile.pk,
        "profiling_round": rnd.pk,
        "profiling_subject": subject.pk,
        "profiling_rater": Rater.objects.get(subject=subject, group="self").pk,
        "job_aid": JobAid.objects.create(course_key=org.course_key, title="Aid", url="/asset-v1:x").pk,
        # lane health: a key position with one candidate
        **_succession_world(org),
    }


def _succession_world(org):
    from perf_mgmt_plugin.succession.models import KeyPosition, SuccessorCandidate  # noqa: PLC0415

    key = KeyPosition.objects.create(position=org.dev)
    return {
        "key_position": key.pk,
        "candidate": SuccessorCandidate.objects.create(key_position=key, employee=org.seller).pk,
    }


MISSING = {"course": "course-v1:Nobody+NONE+2000"}

#: Which object each route's parameters name, by the route's path (first match wins).
KWARGS = [
    (r"appraisals/cycles/<int:pk>/coaches/<int:reviewer>/", {"pk": "cycle", "reviewer": "reviewer"}),
    (r"appraisals/cycles/<int:pk>/", {"pk": "cycle"}),
    (r"appraisals/reviews/<int:pk>/", {"pk": "review"}),
    (r"appraisals/actions/<int:pk>/", {"pk": "action"}),
    (r"appraisals/templates/<slug:slug>/", {"slug": "review_template_slug"}),
    (r"appraisals/people/<int:pk>/", {"pk": "person"}),
    (r"appraisals/notes/<int:pk>/", {"pk": "note"}),
    (r"notes/<int:pk>/", {"pk": "note"}),
    (r"people/<int:pk>/", {"pk": "person"}),
    (r"org-import/<int:pk>/", {"pk": "import_job"}),
    (r"competencies/frameworks/<slug:slug>/", {"slug": "framework"}),
    (r"competencies/requirements/<int:pk>/", {"pk": "requirement"}),
    (r"competencies/course-recommendations/<int:pk>/", {"pk": "recommendation"}),
    (r"competencies/recommendations/<int:pk>/", {"pk": "recommendation"}),
    (r"strategy/objectives/<int:pk>/", {"pk": "objective"}),
    (r"objectives/<int:pk>/", {"pk": "objective"}),
    (r"check-ins/<int:pk>/", {"pk": "check_in"}),
    (r"strategy/<str:kind>/<int:pk>/resolve/", {"pk": "impediment"}),
    (r"development/plans/<int:pk>/items/<int:item_pk>/", {"pk": "plan", "item_pk": "item"}),
    (r"development/plans/<int:pk>/", {"pk": "plan"}),
    (r"plans/<int:pk>/", {"pk": "plan"}),
    (r"development/templates/<slug:slug>/", {"slug": "plan_template"}),
    (r"courses/<str:course_id>/", {"course_id": "course"}),
    (r"review-templates/<int:pk>/", {"pk": "review_template"}),
    (r"review-cycles/<int:pk>/", {"pk": "cycle"}),
    (r"reviews/survey/<int:pk>/", {"pk": "cycle"}),
    (r"reviews/<int:pk>/", {"pk": "review"}),
    (r"competencies/positions/<int:pk>/", {"pk": "position"}),  # lane host
    # lane profiling
    (r"feedback/answer/<int:pk>/", {"pk": "profiling_rater"}),
    (r"feedback/subjects/<int:pk>/", {"pk": "profiling_subject"}),
    (r"feedback/profiles/<int:pk>/", {"pk": "profiling_profile"}),
    (r"feedback/rounds/<int:pk>/", {"pk": "profiling_round"}),
    (r"profiling/rounds/<int:pk>/", {"pk": "profiling_round"}),
    (r"profiling/sheets/<int:pk>/", {"pk": "profiling_rater"}),
    (r"profiling/subjects/<int:pk>/", {"pk": "profiling_subject"}),
    (r"profiling/profiles/<int:pk>/", {"pk": "profiling_profile"}),  # lane profiling2
    (r"job-aids/<int:pk>/", {"pk": "job_aid"}),
    # lane health
    (r"health/managers/<int:pk>/", {"pk": "reviewer"}),
    (r"succession/key-positions/<int:pk>/", {"pk": "key_position"}),
    (r"succession/candidates/<int:pk>/", {"pk": "candidate"}),
    (r"succession/<int:pk>/", {"pk": "key_position"}),
]


def _objects(route):
    """The world keys of ``route``'s parameters (``kind`` of the resolve routes is a word, not an object)."""
    for prefix, names in KWARGS:
        if prefix in route.route:
            return names
    return {}


def _kwargs(route, world, missing=False):
    names = _objects(route)
    values = {key: MISSING.get(name, 987654) if missing else world[name] for key, name in names.items()}
    if "kind" in route.kwargs:
        values["kind"] = "impediment"
    return values


def test_every_route_parameter_names_an_object():
    unnamed = [r.short_name for r in plugin_routes() if set(r.kwargs) - {"kind"} - set(_objects(r))]
    assert unnamed == []


def _outcome(response):
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    return str(response.status_code)


def _call(client, route, method, kwargs):
    url = route.path(**kwargs)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, {}, format="json")


def _check(org, world, row):
    """What is wrong with ``row`` (an empty list when it holds)."""
    name, method = row
    route = {r.short_name: r for r in plugin_routes()}[name]
    anonymous, outsider = APIClient(), APIClient()
    outsider.force_login(org.outsider)
    got = {}
    for who, client in (("anonymous", anonymous), ("outsider", outsider)):
        savepoint = transaction.savepoint()
        got[who] = _outcome(_call(client, route, method, _kwargs(route, world)))
        transaction.savepoint_rollback(savepoint)
    problems = []
    if (got["anonymous"], got["outsider"]) != MATRIX[row]:
        problems.append(f"{name} {method}: {got['anonymous']} {got['outsider']}, the matrix says {MATRIX[row]}")
    if name not in PUBLIC and got["anonymous"] not in ("401", "login", "405"):
        problems.append(f"{name} {method}: an anonymous caller got {got['anonymous']}")
    if _objects(route) and not got["outsider"].startswith("2"):
        # An outsider cannot tell an object out of their sight from one that does not exist.
        savepoint = transaction.savepoint()
        absent = _outcome(_call(outsider, route, method, _kwargs(route, world, missing=True)))
        transaction.savepoint_rollback(savepoint)
        if absent != got["outsider"]:
            problems.append(f"{name} {method}: {got['outsider']} for an existing id, {absent} for a missing one")
    return problems


@pytest.mark.slow  # every route as every persona
@pytest.mark.parametrize("kind", ["api", "page"])
def test_matrix(org, world, kind):
    """Every row of one kind against one world (one set-up: the rows only read, or write and are rolled back)."""
    problems = [
        problem for row in sorted(MATRIX) if row[0].startswith(kind + ".") for problem in _check(org, world, row)
    ]
    assert problems == []


def test_the_matrix_check_fails_on_a_wrong_row(org, world, monkeypatch):
    """The check is not vacuous: a row that promises 200 to the outsider on people/<id>/ is reported."""
    monkeypatch.setitem(MATRIX, ("api.person", "get"), ("401", "200"))
    assert _check(org, world, ("api.person", "get")) == ["api.person get: 401 404, the matrix says ('401', '200')"]
