"""
The review template pages: HR admins read every template section by section, unrestricted HR admins create (blank
or as a copy), edit and retire them; a template reviews were made from keeps its sections. Each role against each
page, bad input refused with everything typed shown again and nothing written, constant query counts.

Data: ``template`` (tests/appraisals/conftest.py) -- key results on ``kra_scale`` (weight 2), competencies, two
questions (one required), development; ``cycle`` launches it, so it is then in use.
"""

import pytest

from perf_mgmt_plugin.appraisals.models import ReviewTemplate, TemplateSection
from tests.strategy.test_pages_forms import url, user_of

from .test_pages import client_for

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once", "kra_scale_once")


def _management(total, initial=0):
    return {
        "s-TOTAL_FORMS": str(total),
        "s-INITIAL_FORMS": str(initial),
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "1000",
    }


def _row(index, kind, title, weight="1", scale="", questions="", order=""):
    return {
        f"s-{index}-kind": kind,
        f"s-{index}-title": title,
        f"s-{index}-weight": weight,
        f"s-{index}-scale": scale,
        f"s-{index}-questions": questions,
        f"s-{index}-order": order,
        f"s-{index}-instructions": "",
    }


def _new_template_post(kra_scale, **overrides):
    data = {"slug": "quarterly", "name": "Quarterly check", "description": "<p>Short</p><script>x</script>"}
    data.update(_management(4))
    data.update(_row(0, "questions", "Looking back", weight="0", questions="* What went well?\nWhat next?"))
    data.update(_row(1, "kra", "Key results", weight="2", scale=kra_scale.slug))
    data.update(_row(2, "competencies", "Skills", order="5"))
    data.update({"s-3-weight": "1"})  # an untouched empty row: no section
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "role,listing,new",
    [
        ("anon", 302, 302),
        ("alice", 403, 403),
        ("manager", 403, 403),
        ("hr_eng", 200, 403),
        ("hr", 200, 200),
        ("outsider", 403, 403),
    ],
)
def test_template_pages_matrix(org, template, role, listing, new):
    client = client_for(user_of(org, role))
    assert client.get(url("appraisal-templates")).status_code == listing
    assert client.get(url("appraisal-template-new")).status_code == new
    assert client.get(url("appraisal-template-edit", template.pk)).status_code == new
    if new != 200:
        before = ReviewTemplate.objects.count()
        client.post(url("appraisal-template-edit", template.pk), {"name": "hacked"})
        assert ReviewTemplate.objects.get(pk=template.pk).name == "Annual review"
        assert ReviewTemplate.objects.count() == before


def test_the_list_shows_each_section(org, template):
    page = client_for(org.hr_eng).get(url("appraisal-templates")).content.decode()
    assert "Annual review" in page and "Results" in page and "What went well?" in page and "must be answered" in page
    assert url("appraisal-template-new") not in page  # hr_eng reads, does not manage
    assert "Review templates" in client_for(org.hr).get(url("appraisal-cycles")).content.decode()


def test_hr_creates_a_template_with_sections(org, kra_scale):
    client = client_for(org.hr)
    response = client.post(url("appraisal-template-new"), _new_template_post(kra_scale))
    assert response.status_code == 302 and response["Location"] == url("appraisal-templates")
    created = ReviewTemplate.objects.get(slug="quarterly")
    assert created.description.startswith("<p>Short</p>") and "<script" not in created.description  # sanitised
    sections = list(created.sections.order_by("order"))
    # rows with an order number come first (by it), the others after them in their place
    assert [(s.kind, s.title, s.weight) for s in sections] == [
        ("competencies", "Skills", 1.0),
        ("questions", "Looking back", 0.0),
        ("kra", "Key results", 2.0),
    ]
    assert sections[2].scale == kra_scale
    questions = list(sections[1].questions.order_by("order").values_list("text", "required"))
    assert questions == [("What went well?", True), ("What next?", False)]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"s-1-scale": ""}, "needs a rating scale"),
        ({"s-2-scale": "kra-five"}, "Only a key result area section has its own rating scale."),
        ({"s-0-questions": ""}, "needs at least one question"),
        ({"slug": "annual"}, "already exists"),
        ({"s-1-weight": "-1"}, "Correct this section."),
        ({"s-1-title": ""}, "Correct this section."),
    ],
)
def test_bad_input_writes_nothing_and_keeps_what_was_typed(org, template, kra_scale, overrides, message):
    before = (ReviewTemplate.objects.count(), TemplateSection.objects.count())
    response = client_for(org.hr).post(url("appraisal-template-new"), _new_template_post(kra_scale, **overrides))
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert 'value="Quarterly check"' in body and 'value="Looking back"' in body
    assert (ReviewTemplate.objects.count(), TemplateSection.objects.count()) == before


def test_edit_an_unused_template_and_remove_a_section(org, template, kra_scale):
    client = client_for(org.hr)
    path = url("appraisal-template-edit", template.pk)
    page = client.get(path).content.decode()
    assert 'name="s-INITIAL_FORMS" value="4"' in page and "* What went well?" in page
    data = {"name": "Annual review 2027", "description": "", "active": "on"}
    data.update(_management(7, initial=4))
    data.update(_row(0, "kra", "Key results", weight="3", scale=kra_scale.slug, order="0"))
    data.update(_row(1, "competencies", "Competencies", order="1"))
    data.update(_row(2, "questions", "Looking back", weight="0", questions="* What went well?", order="2"))
    data.update(_row(3, "development", "Development", weight="0", order="3"))
    data["s-3-DELETE"] = "on"
    data.update({f"s-{i}-weight": "1" for i in (4, 5, 6)})
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.name == "Annual review 2027" and template.active
    assert list(template.sections.order_by("order").values_list("kind", "weight")) == [
        ("kra", 3.0),
        ("competencies", 1.0),
        ("questions", 0.0),
    ]


def test_a_used_template_keeps_its_sections_and_offers_a_copy(org, cycle):
    template = cycle.template
    client = client_for(org.hr)
    path = url("appraisal-template-edit", template.pk)
    page = client.get(path).content.decode()
    assert "its sections are fixed" in page and 'name="s-TOTAL_FORMS"' not in page
    copy_link = url("appraisal-template-new") + f"?copy={template.pk}"
    assert copy_link in page
    sections_before = list(template.sections.values_list("pk", flat=True))
    # Sections posted anyway are ignored; the texts and the "offered" flag change.
    data = {"name": "Annual (retired)", "description": "", **_management(1), **_row(0, "development", "Sneaky")}
    assert client.post(path, data).status_code == 302
    template.refresh_from_db()
    assert template.name == "Annual (retired)" and not template.active
    assert list(template.sections.values_list("pk", flat=True)) == sections_before

    copy = client.get(copy_link).content.decode()
    assert 'value="annual-copy"' in copy and "Copy of Annual (retired)" in copy and 'value="Key results"' in copy


def test_list_query_count_is_constant(org, template, kra_scale, count_queries):
    client = client_for(org.hr)
    client.get(url("appraisal-templates"))
    with count_queries() as small:
        assert client.get(url("appraisal-templates")).status_code == 200
    for i in range(4):
        client.post(url("appraisal-template-new"), _new_template_post(kra_scale, slug=f"t{i}", name=f"T{i}"))
    assert ReviewTemplate.objects.count() == 5
    with count_queries() as large:
        assert client.get(url("appraisal-templates")).status_code == 200
    assert len(small) == len(large) == 10, [q["sql"][:120] for q in large.captured_queries]


def _more(org, template, kra_scale, n):
    """n more rating scales, org units, positions and templates, and n more questions in ``template``."""
    from perf_mgmt_plugin.appraisals import templates as template_services
    from perf_mgmt_plugin.competencies import services as competency_services
    from tests import factories

    start = ReviewTemplate.objects.count()
    for i in range(start, start + n):
        competency_services.create_scale(slug=f"s{i}", name=f"Scale {i}", levels=[(1, "Low", ""), (2, "High", "")])
        unit = factories.make_unit(f"U{i}", parent=org.company)
        factories.make_position(f"P{i}", f"Position {i}", unit)
        template_services.create_template(
            org.hr, slug=f"extra-{i}", name=f"Extra {i}", sections=[{"kind": "kra", "title": "K", "scale": "kra-five"}]
        )
    questions = template.sections.get(kind="questions")
    for i in range(n):
        questions.questions.create(text=f"Question {start + i}?", order=100 + i)


@pytest.mark.parametrize(
    "page,pinned",
    [("appraisal-template-new", 8), ("appraisal-template-edit", 12), ("appraisal-cycle-new", 12)],
)
def test_form_pages_query_counts_pinned_and_constant(org, template, kra_scale, count_queries, page, pinned):
    client = client_for(org.hr)
    path = url(page, template.pk) if page == "appraisal-template-edit" else url(page)
    _more(org, template, kra_scale, 1)
    client.get(path)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _more(org, template, kra_scale, 5)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert len(small) == pinned, [q["sql"][:120] for q in small.captured_queries]
