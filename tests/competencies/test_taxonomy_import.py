"""
Import of a competency framework from an Open edX tagging taxonomy, with course links from tagged content.

The taxonomies, tags and object tags are REAL openedx_tagging data (openedx-core installed in the host), written
through openedx_tagging's api as Studio writes them.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_tagging import api as tagging_api
from openedx_tagging.models import Tag

from lms_host.courses.models import Course
from perf_mgmt_plugin.competencies import services, taxonomy_import
from perf_mgmt_plugin.competencies.models import (
    BehaviouralIndicator,
    Cluster,
    Competency,
    CourseCompetencyLink,
    Framework,
    ScaleLevel,
)
from perf_mgmt_plugin.openedx.backend import _load_backend
from tests.tagging import add_tags, leadership_tree, make_taxonomy, tag

from ..contract import fake_platform

pytestmark = pytest.mark.django_db

COURSE_1 = CourseKey.from_string("course-v1:Acme+LEAD1+2026")
COURSE_2 = CourseKey.from_string("course-v1:Acme+PLAN2+2026")
BLOCK_1 = "block-v1:Acme+LEAD1+2026+type@vertical+block@delegation"
BLOCK_1B = "block-v1:Acme+LEAD1+2026+type@vertical+block@more"
LIBRARY_BLOCK = "lb:Acme:library:html:intro"
UNKNOWN_COURSE = "course-v1:Nobody+X+2026"


@pytest.fixture
def scale(db):
    return services.create_scale(slug="three", name="Three", levels=[(1, "Basic", ""), (2, "Good", ""), (3, "Top", "")])


@pytest.fixture
def courses(db):
    Course.objects.create(id=COURSE_1, display_name="Leading")
    Course.objects.create(id=COURSE_2, display_name="Planning")


def _leadership(tagged=True):
    """The leadership taxonomy of ``tests.tagging``, tagged on two courses, a block, a library and unknown content."""
    taxonomy = make_taxonomy("Leadership skills", leadership_tree(), description="Our model", export_id="lead")
    if tagged:
        tag(COURSE_1, taxonomy, "Giving feedback", "Leadership")  # Leadership is a cluster: no link
        tag(BLOCK_1, taxonomy, "Delegation")
        tag(COURSE_2, taxonomy, "Planning")
        tag(LIBRARY_BLOCK, taxonomy, "Delegation")  # library content: not a course
        tag(UNKNOWN_COURSE, taxonomy, "Planning")  # a course the platform does not know
    return taxonomy


def _state():
    """Everything the import writes, by primary key, to compare before and after."""
    return {
        "frameworks": list(
            Framework.objects.values_list("pk", "slug", "name", "description", "scale_id", "source_taxonomy_id")
        ),
        "clusters": list(Cluster.objects.values_list("pk", "code", "name", "order")),
        "competencies": list(
            Competency.objects.values_list("pk", "code", "name", "description", "cluster_id", "order", "source_tag_id")
        ),
        "links": list(
            CourseCompetencyLink.objects.values_list("pk", "course_key", "competency_id", "usage_key", "target_level")
        ),
        "indicators": list(BehaviouralIndicator.objects.values_list("pk", "competency_id", "text")),
    }


def _tag_id(taxonomy, value):
    return Tag.objects.get(taxonomy=taxonomy, value=value).pk


# --- dry run and first import --------------------------------------------------------------------------------------


def test_dry_run_lists_the_changes_and_writes_nothing(scale, courses):
    taxonomy = _leadership()
    result = taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=True)
    assert result.ok and result.dry_run and not result.applied, result.errors
    assert result.framework == "leadership-skills" and result.scale == "three"
    changes = result.changes
    assert changes["framework"] == "new"
    assert changes["clusters"]["new"] == [{"code": "LEAD", "name": "Leadership"}]
    assert changes["competencies"]["new"] == [
        {"code": "LEAD-FB", "name": "Giving feedback", "cluster": "LEAD"},
        {"code": "Running 1:1s", "name": "Running 1:1s", "cluster": "LEAD"},
        {"code": "Delegation", "name": "Delegation", "cluster": "LEAD"},
        {"code": "Planning", "name": "Planning", "cluster": ""},
    ]
    assert changes["grouping_tags"] == ["Coaching"]
    assert changes["links"]["new"] == [
        {"course_key": str(COURSE_1), "competency": "Delegation", "usage_key": BLOCK_1},
        {"course_key": str(COURSE_1), "competency": "LEAD-FB", "usage_key": ""},
        {"course_key": str(COURSE_2), "competency": "Planning", "usage_key": ""},
    ]
    assert {reason: item["count"] for reason, item in result.skipped.items()} == {
        "grouping_tag": 1,
        "not_course_content": 1,
        "unknown_course": 1,
    }
    assert result.skipped["not_course_content"]["examples"] == [{"object_id": LIBRARY_BLOCK, "tag": "Delegation"}]
    assert result.skipped["unknown_course"]["examples"] == [{"object_id": UNKNOWN_COURSE, "tag": "Planning"}]
    assert _state() == {"frameworks": [], "clusters": [], "competencies": [], "links": [], "indicators": []}


@pytest.fixture(params=["host", "openedx"])
def backend(request, settings):
    """
    Both platform backends read the same REAL openedx_tagging data; the openedx one runs with the FAKE platform
    modules installed for what it reads besides tagging (CourseOverview, mapped onto the host's course table).
    """
    _load_backend.cache_clear()
    if request.param == "host":
        yield
    else:
        settings.PERF_MGMT_PLATFORM_BACKEND = "perf_mgmt_plugin.openedx.platform_backend.OpenedxPlatformBackend"
        with fake_platform.installed_fake_platform():
            yield
    _load_backend.cache_clear()


def test_import_writes_the_framework_and_course_links(backend, scale, courses):
    taxonomy = _leadership()
    result = taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    assert result.ok and result.applied, result.errors
    framework = Framework.objects.get(slug="leadership-skills")
    assert (framework.name, framework.description, framework.scale_id) == ("Leadership skills", "Our model", scale.pk)
    assert framework.source_taxonomy_id == taxonomy.pk
    assert list(framework.clusters.values_list("code", "name")) == [("LEAD", "Leadership")]
    competencies = {
        c.code: (c.name, c.cluster.code if c.cluster_id else "", c.source_tag_id, c.order)
        for c in framework.competencies.select_related("cluster")
    }
    assert competencies == {
        "LEAD-FB": ("Giving feedback", "LEAD", _tag_id(taxonomy, "Giving feedback"), 0),
        "Running 1:1s": ("Running 1:1s", "LEAD", _tag_id(taxonomy, "Running 1:1s"), 1),
        "Delegation": ("Delegation", "LEAD", _tag_id(taxonomy, "Delegation"), 2),
        "Planning": ("Planning", "", _tag_id(taxonomy, "Planning"), 3),
    }
    links = set(CourseCompetencyLink.objects.values_list("course_key", "competency__code", "usage_key", "target_level"))
    assert links == {
        (COURSE_1, "LEAD-FB", None, 3),  # a new link develops to the top of the scale
        (COURSE_1, "Delegation", UsageKey.from_string(BLOCK_1), 3),  # a tagged block: its course, with the block
        (COURSE_2, "Planning", None, 3),
    }
    # The links are what the gap audit and recommendations use.
    feedback = framework.competencies.get(code="LEAD-FB").pk
    assert [link.course_key for link in services.linked_courses([feedback], above={feedback: 2})[feedback]] == [
        COURSE_1
    ]


def test_target_level_and_framework_slug_can_be_chosen(scale, courses):
    taxonomy = _leadership()
    result = taxonomy_import.import_taxonomy(
        taxonomy.pk, scale="three", framework="lead", target_level=2, dry_run=False
    )
    assert result.applied, result.errors
    assert Framework.objects.get().slug == "lead"
    assert set(CourseCompetencyLink.objects.values_list("target_level", flat=True)) == {2}


def test_several_tagged_blocks_of_one_course_link_the_whole_course(scale, courses):
    taxonomy = _leadership(tagged=False)
    tag(BLOCK_1, taxonomy, "Delegation")
    tag(BLOCK_1B, taxonomy, "Delegation")
    taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    assert list(CourseCompetencyLink.objects.values_list("course_key", "usage_key")) == [(COURSE_1, None)]


# --- re-import -----------------------------------------------------------------------------------------------------


def test_importing_again_changes_nothing(scale, courses):
    taxonomy = _leadership()
    taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    before = _state()
    again = taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    assert again.ok and again.applied
    assert again.changes["framework"] == "updated"
    assert again.changes["clusters"] == {"new": [], "renamed": []}
    assert again.changes["competencies"] == {
        "new": [],
        "renamed": [],
        "moved": [],
        "adopted": [],
        "unchanged": 4,
        "not_in_taxonomy": [],
    }
    assert again.changes["links"] == {"new": [], "changed": [], "unchanged": 3, "no_longer_tagged": 0}
    assert _state() == before
    # Re-importing needs no scale: the framework has one.
    assert taxonomy_import.import_taxonomy(taxonomy.pk, dry_run=False).ok
    assert _state() == before


def test_reimport_follows_the_taxonomy_and_keeps_what_hr_wrote(scale, courses):
    taxonomy = _leadership()
    taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    delegation = Competency.objects.get(code="Delegation")
    services.add_indicator(delegation, level=2, text="Hands over whole tasks")
    Competency.objects.filter(pk=delegation.pk).update(description="<p>Written by HR</p>")
    CourseCompetencyLink.objects.filter(competency__code="Planning").update(target_level=1)
    retired = Competency.objects.get(code="Running 1:1s")

    # In Studio: a tag is renamed, one is added, one deleted; a course is now tagged as a whole.
    tagging_api.update_tag_in_taxonomy(taxonomy, "Delegation", "Delegating work")
    add_tags(taxonomy, [("Influencing", "LEAD-INF", [])], parent="Leadership")
    tagging_api.delete_tags_from_taxonomy(taxonomy, ["Running 1:1s"], with_subtags=False)
    tag(COURSE_1, taxonomy, "Giving feedback", "Leadership", "Delegating work")

    dry = taxonomy_import.import_taxonomy(taxonomy.pk, dry_run=True)
    assert dry.changes["competencies"]["renamed"] == [
        {"code": "Delegation", "from": "Delegation", "to": "Delegating work"}
    ]
    assert dry.changes["competencies"]["new"] == [{"code": "LEAD-INF", "name": "Influencing", "cluster": "LEAD"}]
    assert dry.changes["competencies"]["not_in_taxonomy"] == ["Running 1:1s"]
    assert dry.changes["links"]["changed"] == [
        {"course_key": str(COURSE_1), "competency": "Delegation", "usage_key": ""}
    ]
    result = taxonomy_import.import_taxonomy(taxonomy.pk, dry_run=False)
    assert result.applied, result.errors

    delegation.refresh_from_db()
    assert (delegation.name, delegation.description) == ("Delegating work", "<p>Written by HR</p>")  # same row
    assert list(delegation.indicators.values_list("text", flat=True)) == ["Hands over whole tasks"]
    assert Competency.objects.filter(pk=retired.pk).exists()  # its tag is gone; it may carry history: kept
    assert Competency.objects.get(code="LEAD-INF").cluster.code == "LEAD"
    link = CourseCompetencyLink.objects.get(competency=delegation)
    assert (link.course_key, link.usage_key) == (COURSE_1, None)
    assert CourseCompetencyLink.objects.get(competency__code="Planning").target_level == 1  # HR's level kept


def test_an_existing_framework_and_competency_with_the_same_code_are_adopted(org, scale, courses):
    framework = services.create_framework(slug="lead", name="Leadership (from a file)", scale=scale)
    feedback = services.add_competency(framework, code="lead-fb", name="Feedback")  # same code, other case
    services.set_requirement(org.dev, feedback, 2)
    taxonomy = _leadership()
    result = taxonomy_import.import_taxonomy(taxonomy.pk, framework="lead", dry_run=False)
    assert result.applied, result.errors
    assert result.changes["framework"] == "adopted"
    assert result.changes["competencies"]["adopted"] == ["lead-fb"]
    feedback.refresh_from_db()
    assert (feedback.name, feedback.source_tag_id) == ("Giving feedback", _tag_id(taxonomy, "Giving feedback"))
    assert feedback.requirements.count() == 1
    assert Framework.objects.get(pk=framework.pk).source_taxonomy_id == taxonomy.pk
    assert Competency.objects.filter(framework=framework).count() == 4


# --- errors --------------------------------------------------------------------------------------------------------


def _import_errors(taxonomy, **options):
    options.setdefault("scale", "three")
    before = _state()
    result = taxonomy_import.import_taxonomy(taxonomy.pk, dry_run=False, **options)
    assert not result.ok and not result.applied
    assert _state() == before  # all or nothing
    return [(error["tag"], error["message"]) for error in result.errors]


def test_errors_of_the_scale_and_level(scale, courses):
    taxonomy = _leadership()
    assert _import_errors(taxonomy, scale="nope") == [("", "There is no scale 'nope'.")]
    assert _import_errors(taxonomy, scale=None) == [
        ("", "Choose the scale the new framework's competencies are rated on.")
    ]
    assert _import_errors(taxonomy, target_level=7) == [
        ("", "7 is not a level of the scale 'three' (levels: 1, 2, 3).")
    ]
    services.create_scale(slug="other", name="Other", levels=[(1, "One", "")])
    taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    assert _import_errors(taxonomy, scale="other") == [
        ("", "The framework 'leadership-skills' is rated on the scale 'three'; a framework cannot change its scale.")
    ]
    assert _import_errors(taxonomy, framework="renamed") == [
        ("", "This taxonomy was imported as the framework 'leadership-skills'.")
    ]


def test_errors_of_the_taxonomy(scale):
    free = make_taxonomy("Keywords", allow_free_text=True)
    assert _import_errors(free) == [("", "'Keywords' is a free-text taxonomy: it has no tags to import.")]
    assert _import_errors(make_taxonomy("Empty")) == [("", "The taxonomy 'Empty' has no tags.")]
    assert _import_errors(make_taxonomy("Ünïcode ✓", [("A", None, [])]), framework="bad slug") == [
        ("", "'bad slug' is not a valid framework slug (lowercase letters, digits, -; give one).")
    ]
    with pytest.raises(taxonomy_import.TaxonomyNotFound):
        taxonomy_import.import_taxonomy(999999, scale="three")


def test_errors_of_tags_name_each_tag(scale):
    taxonomy = make_taxonomy(
        "Clashing",
        [
            ("Alpha", "beta", []),
            ("Beta", None, []),  # the same code ignoring case (MariaDB's collation would refuse it)
            ("Gamma", "G" * 65, []),
            ("Long " + "x" * 300, None, []),
        ],
    )
    assert _import_errors(taxonomy) == [
        ("Beta", "The tag 'Alpha' gives the same code 'Beta'."),
        ("Gamma", "The external id is longer than 64 characters."),
        ("Long " + "x" * 300, "A competency name has at most 255 characters."),
    ]


def test_a_code_taken_by_a_competency_from_another_tag_is_an_error(scale):
    taxonomy = make_taxonomy("Renames", [("Alpha", None, [])])
    taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    tagging_api.update_tag_in_taxonomy(taxonomy, "Alpha", "Alpha 2")  # the competency keeps the code "Alpha"
    add_tags(taxonomy, [("Alpha", None, [])])  # a new tag whose value is that code
    assert _import_errors(taxonomy) == [
        ("Alpha", "The code 'Alpha' is already used by the competency 'Alpha', imported from another tag.")
    ]


def test_a_long_value_without_external_id_gets_a_code_from_the_tag_id(scale):
    value = "Builds trust with stakeholders across the organisation over a long time"
    taxonomy = make_taxonomy("Long values", [(value, None, [])])
    assert taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False).applied
    assert Competency.objects.get().code == f"tag-{_tag_id(taxonomy, value)}"


def test_a_failure_while_writing_leaves_nothing_behind(scale, courses, monkeypatch):
    taxonomy = _leadership()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(taxonomy_import, "_write_sources_and_links", broken)
    with pytest.raises(RuntimeError):
        taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    assert _state() == {"frameworks": [], "clusters": [], "competencies": [], "links": [], "indicators": []}


# --- scale ---------------------------------------------------------------------------------------------------------


def _queries(count_queries, taxonomy, dry_run):
    with count_queries() as queries:
        result = taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=dry_run)
    assert result.ok, result.errors
    return len(queries)


def test_queries_do_not_grow_with_the_taxonomy(scale, courses, count_queries):
    small = _leadership()
    big = make_taxonomy("Big", leadership_tree(30), export_id="big")
    for n in range(30):
        tag(f"block-v1:Acme+PLAN2+2026+type@html+block@b{n}", big, f"Extra skill {n}")
    tag(COURSE_1, big, "Giving feedback", *(f"Extra skill {n}" for n in range(30)))
    counts = {}
    for name, taxonomy in (("small", small), ("big", big)):
        counts[name] = (
            _queries(count_queries, taxonomy, dry_run=True),
            _queries(count_queries, taxonomy, dry_run=False),  # first import
            _queries(count_queries, taxonomy, dry_run=False),  # re-import
        )
    assert Competency.objects.filter(framework__slug="big").count() == 34
    assert CourseCompetencyLink.objects.filter(competency__framework__slug="big").count() == 61
    assert counts["small"] == counts["big"], counts
    dry_run, first, again = counts["big"]
    assert dry_run <= 15 and first <= 30 and again <= 30, counts  # 13 and 29 on SQLite when written


# --- finding taxonomies --------------------------------------------------------------------------------------------


def test_find_taxonomy_by_id_export_id_or_name(db):
    lead = make_taxonomy("Leadership", export_id="lead-2026")
    make_taxonomy("Twin", export_id="twin-a")
    make_taxonomy("twin", export_id="twin-b")
    assert taxonomy_import.find_taxonomy(lead.pk).id == lead.pk
    assert taxonomy_import.find_taxonomy(str(lead.pk)).id == lead.pk
    assert taxonomy_import.find_taxonomy("LEAD-2026").id == lead.pk
    assert taxonomy_import.find_taxonomy(" leadership ").id == lead.pk
    with pytest.raises(taxonomy_import.TaxonomyNotFound, match="Several taxonomies are named 'twin'"):
        taxonomy_import.find_taxonomy("twin")
    with pytest.raises(taxonomy_import.TaxonomyNotFound, match="There is no taxonomy 'nope'"):
        taxonomy_import.find_taxonomy("nope")


def test_list_taxonomies_names_the_framework_imported_from_each(scale):
    taxonomy = make_taxonomy("Skills", [("A", None, [])], export_id="skills")
    make_taxonomy("Other", export_id="other")
    taxonomy_import.import_taxonomy(taxonomy.pk, scale="three", dry_run=False)
    listed = {item["name"]: item for item in taxonomy_import.list_taxonomies()}
    assert listed["Skills"]["framework"] == "skills" and listed["Skills"]["export_id"] == "skills"
    assert listed["Other"]["framework"] == ""


# --- management command --------------------------------------------------------------------------------------------


def test_command_dry_run_then_import(scale, courses):
    taxonomy = _leadership()
    out = io.StringIO()
    call_command("import_competency_taxonomy", "Leadership skills", "--scale", "three", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run" in text and "4 new competencies" in text and "3 new course links" in text
    assert "+ competency LEAD-FB Giving feedback (cluster LEAD)" in text
    assert "skipped 1 object(s): not_course_content" in text
    assert not Framework.objects.exists()
    out = io.StringIO()
    call_command("import_competency_taxonomy", str(taxonomy.pk), "--scale", "three", stdout=out)
    assert "Imported" in out.getvalue()
    assert Framework.objects.get().source_taxonomy_id == taxonomy.pk


def test_command_fails_on_errors_and_unknown_taxonomies(scale):
    make_taxonomy("Empty")
    with pytest.raises(CommandError, match="has no tags"):
        call_command("import_competency_taxonomy", "Empty", "--scale", "three", stdout=io.StringIO())
    with pytest.raises(CommandError, match="There is no taxonomy 'nope'"):
        call_command("import_competency_taxonomy", "nope", "--scale", "three", stdout=io.StringIO())


# --- REST ----------------------------------------------------------------------------------------------------------


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(user, data):
    url = reverse("perf_mgmt:api-v1:framework-import-taxonomy")
    return _client(user).post(url, json.dumps(data), content_type="application/json")


ROLES = ["alice", "manager", "director", "hr", "hr_eng", "staff", "outsider"]


@pytest.mark.parametrize("role", ROLES)
def test_only_unrestricted_hr_admins_import_taxonomies(org, scale, courses, role):
    """The same rule as the framework import (``perf_mgmt.manage_frameworks``)."""
    taxonomy = _leadership()
    user = getattr(org, role)
    user = getattr(user, "user", user)
    allowed = role == "hr"
    response = _post(user, {"taxonomy": taxonomy.pk, "scale": "three", "dry_run": False})
    assert response.status_code == (200 if allowed else 403), response.content
    assert Framework.objects.exists() is allowed
    listed = _client(user).get(reverse("perf_mgmt:api-v1:taxonomies"))
    assert listed.status_code == (200 if allowed else 403)


def test_anonymous_cannot_import(org, scale):
    assert _post(None, {"taxonomy": 1, "scale": "three"}).status_code in (401, 403)
    assert _client(None).get(reverse("perf_mgmt:api-v1:taxonomies")).status_code in (401, 403)


def test_rest_import_dry_run_errors_and_bad_requests(org, scale, courses):
    taxonomy = _leadership()
    dry = _post(org.hr, {"taxonomy": "lead", "scale": "three"})  # by export id; a dry run unless told otherwise
    assert dry.status_code == 200
    assert dry.json()["ok"] and dry.json()["dry_run"] and not dry.json()["applied"]
    assert len(dry.json()["changes"]["competencies"]["new"]) == 4
    assert not Framework.objects.exists()
    bad = _post(org.hr, {"taxonomy": taxonomy.pk, "scale": "nope", "dry_run": False})
    assert bad.status_code == 200 and bad.json()["errors"] == [{"tag": "", "message": "There is no scale 'nope'."}]
    assert _post(org.hr, {"taxonomy": "nope", "scale": "three"}).status_code == 404
    assert _post(org.hr, {"scale": "three"}).status_code == 400
    assert _post(org.hr, {"taxonomy": taxonomy.pk, "target_level": "high"}).status_code == 400
    done = _post(org.hr, {"taxonomy": taxonomy.pk, "scale": "three", "dry_run": False, "target_level": 2})
    assert done.json()["applied"]
    assert set(ScaleLevel.objects.filter(scale=scale).values_list("value", flat=True)) == {1, 2, 3}
    assert set(CourseCompetencyLink.objects.values_list("target_level", flat=True)) == {2}
    listed = {item["name"]: item for item in _client(org.hr).get(reverse("perf_mgmt:api-v1:taxonomies")).json()}
    assert listed["Leadership skills"]["framework"] == "leadership-skills"
    assert listed["Languages"]["framework"] == ""  # openedx_tagging's own system-defined taxonomy


def test_rest_import_query_count_does_not_grow(org, scale, courses, count_queries):
    small = _leadership()
    big = make_taxonomy("Big", leadership_tree(25), export_id="big")
    tag(COURSE_2, big, *(f"Extra skill {n}" for n in range(25)))
    counts = []
    for taxonomy in (small, big):
        with count_queries() as queries:
            assert _post(org.hr, {"taxonomy": taxonomy.pk, "scale": "three", "dry_run": False}).json()["applied"]
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
