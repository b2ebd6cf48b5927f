"""
The demo's four blended modules: each a course with a pass mark and its blocks in order (self-assessment, video,
lesson, graded knowledge check, check-in, self-assessment after), linked to its competency; requirements that make
gaps; plans using the modules with learners part-way, moved by the host's own grading and events; idempotent.
"""

from completion.models import BlockCompletion
from opaque_keys.edx.keys import CourseKey

from lms_host import demo
from lms_host.courses.models import Course, CourseBlock, GeneratedCertificate, PersistentCourseGrade
from perf_mgmt_plugin.competencies.models import CompetencyGap, CourseCompetencyLink
from perf_mgmt_plugin.development.models import PlanItem

MODULE_KEYS = [module[0] for module in demo.MODULES]


def _state():
    return (
        CourseBlock.objects.filter(course_id__in=[CourseKey.from_string(k) for k in MODULE_KEYS]).count(),
        sorted(
            PlanItem.objects.filter(course_key__in=MODULE_KEYS).values_list(
                "owner__user__username", "status", "progress"
            )
        ),
        PersistentCourseGrade.objects.count(),
        GeneratedCertificate.objects.count(),
        BlockCompletion.objects.count(),
    )


def item_of(username, key):
    return PlanItem.objects.get(owner__user__username=username, course_key=key)


def test_demo_modules(db):
    demo.load_demo_data()
    for key in MODULE_KEYS:
        course_key = CourseKey.from_string(key)
        assert float(Course.objects.get(id=course_key).lowest_passing_grade) == 0.6
        tags = [
            olx.split()[0].lstrip("<")
            for olx in CourseBlock.objects.filter(course_id=course_key).values_list("olx", flat=True)
        ]
        assert tags == [
            "perf_mgmt_self_assessment",
            "video",
            "html",
            "knowledge_check",
            "perf_mgmt_implementation_guide",  # seeded by lms_host/demo_guides.py (blended modules)
            "perf_mgmt_checkin",
            "perf_mgmt_self_assessment",
        ]
        assert CourseCompetencyLink.objects.filter(course_key=course_key).exists()

    plan_key, coach_key, feedback_key, stake_key = (
        "course-v1:Northwind+PLAN101+2026",
        "course-v1:Northwind+COACH101+2026",
        "course-v1:Northwind+FEEDBACK101+2026",
        "course-v1:Northwind+STAKE101+2026",
    )
    alex = item_of("alex", plan_key)  # watched, read, scored 1 of 3: part-way, from the host's own grade events
    assert alex.status == PlanItem.IN_PROGRESS and alex.grade_percent == 0.33 and alex.blocks_completed == 3
    assert 0 < alex.progress < 100
    priya = item_of("priya", coach_key)
    assert priya.status == PlanItem.IN_PROGRESS and priya.blocks_completed == 1 and priya.grade_percent is None
    marcus = item_of("marcus", feedback_key)  # passed the check: completed without any manual step
    assert marcus.status == PlanItem.COMPLETED and marcus.achieved and marcus.evidence_recorded
    assert GeneratedCertificate.objects.get(user__username="marcus").status == "downloadable"
    assert item_of("chen", stake_key).progress == 0
    # The requirements the modules answer make gaps, e.g. the support lead's coaching and feedback.
    assert CompetencyGap.objects.filter(person__position__code="SUP-LEAD", competency__code="COACH", gap__gt=0).exists()

    before = _state()
    demo.load_demo_data()
    assert _state() == before


def test_the_readme_loop_runs_on_the_demo(db):
    """The README's "Try:" of the modules, as code: HR raises a requirement (previewed), Alex passes the check."""
    from django.contrib.auth import get_user_model

    from perf_mgmt_plugin.competencies import requirement_sets
    from perf_mgmt_plugin.org.models import Position

    demo.load_demo_data()
    helen = get_user_model().objects.get(username="helen")
    swe = Position.objects.get(code="SWE")
    competencies = requirement_sets.editable_competencies()
    proposal = requirement_sets.current_set(swe, competencies)
    plan = next(c for c in competencies if c.code == "PLAN")
    proposal[plan.pk] = (3, "high")
    preview = requirement_sets.preview(swe, proposal, competencies)
    assert preview.opened + preview.widened > 0  # some engineers fall (further) short
    requirement_sets.save(helen, swe, proposal, competencies, requirement_sets.version_of(swe))
    assert CompetencyGap.objects.get(person__user__username="alex", competency=plan).required_level == 3

    alex = get_user_model().objects.get(username="alex")
    demo._module_progress(alex, CourseKey.from_string("course-v1:Northwind+PLAN101+2026"), [3])
    item = item_of("alex", "course-v1:Northwind+PLAN101+2026")
    assert item.status == PlanItem.COMPLETED and item.evidence_recorded
    assert GeneratedCertificate.objects.get(user=alex).status == "downloadable"
