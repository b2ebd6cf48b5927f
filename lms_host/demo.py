"""
The demo organisation of ``make demo``: Northwind Learning, ~40 people over 4 levels, with courses.

Each domain adds a ``load_<domain>`` function here and to ``LOADERS``; ``load_demo_data`` runs them in order.
Everything goes through the plugin's services, so the demo exercises the same code as real use. Idempotent:
running it twice changes nothing.
"""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseAccessRole, CourseBlock, CourseEnrollment
from perf_mgmt_plugin.org import services
from perf_mgmt_plugin.org.models import Employee, OrgUnit, Position

DEMO_PASSWORD = "demo-pass"  # noqa: S105  (demo host only)

UNITS = [
    # code, name, kind, parent
    ("NW", "Northwind Learning", "company", None),
    ("TECH", "Technology", "division", "NW"),
    ("PLAT", "Platform Engineering", "department", "TECH"),
    ("PLAT-CORE", "Core Services", "team", "PLAT"),
    ("DATA", "Data & Analytics", "team", "TECH"),
    ("SALES", "Sales", "division", "NW"),
    ("SALES-EMEA", "Sales EMEA", "team", "SALES"),
    ("SALES-NA", "Sales North America", "team", "SALES"),
    ("OPS", "Operations", "division", "NW"),
    ("SUPPORT", "Customer Support", "team", "OPS"),
    ("PEOPLE", "People & Culture", "department", "NW"),
    ("LND", "Learning & Development", "team", "PEOPLE"),
]

POSITIONS = [
    # code, title, unit
    ("CEO", "Chief Executive Officer", "NW"),
    ("VP-TECH", "VP Technology", "TECH"),
    ("VP-SALES", "VP Sales", "SALES"),
    ("VP-OPS", "VP Operations", "OPS"),
    ("HR-DIR", "HR Director", "PEOPLE"),
    ("ENG-MGR", "Engineering Manager", "PLAT"),
    ("SWE", "Software Engineer", "PLAT-CORE"),
    ("DATA-MGR", "Analytics Manager", "DATA"),
    ("ANALYST", "Data Analyst", "DATA"),
    ("SALES-MGR", "Sales Manager", "SALES"),
    ("AE", "Account Executive", "SALES"),
    ("SUP-LEAD", "Support Lead", "SUPPORT"),
    ("SUP-SPEC", "Support Specialist", "SUPPORT"),
    ("HRBP", "HR Business Partner", "PEOPLE"),
    ("LD-DESIGNER", "Learning Designer", "LND"),
]

PEOPLE = [
    # username, first, last, position, unit, manager, start (years ago)
    ("grace", "Grace", "Okafor", "CEO", "NW", None, 9),
    ("tomas", "Tomas", "Lindqvist", "VP-TECH", "TECH", "grace", 7),
    ("amara", "Amara", "Nwosu", "VP-SALES", "SALES", "grace", 6),
    ("diego", "Diego", "Ramirez", "VP-OPS", "OPS", "grace", 5),
    ("helen", "Helen", "Park", "HR-DIR", "PEOPLE", "grace", 8),
    ("priya", "Priya", "Sharma", "ENG-MGR", "PLAT-CORE", "tomas", 4),
    ("kenji", "Kenji", "Watanabe", "DATA-MGR", "DATA", "tomas", 3),
    ("sofia", "Sofia", "Rossi", "SALES-MGR", "SALES-EMEA", "amara", 4),
    ("marcus", "Marcus", "Brown", "SALES-MGR", "SALES-NA", "amara", 2),
    ("fatima", "Fatima", "Zahra", "SUP-LEAD", "SUPPORT", "diego", 3),
    ("jordan", "Jordan", "Lee", "LD-DESIGNER", "LND", "helen", 2),
    ("nadia", "Nadia", "Haddad", "HRBP", "PEOPLE", "helen", 3),
    ("owen", "Owen", "Gallagher", "HRBP", "PEOPLE", "helen", 1),
    ("alex", "Alex", "Morgan", "SWE", "PLAT-CORE", "priya", 2),
    ("bianca", "Bianca", "Ferreira", "SWE", "PLAT-CORE", "priya", 3),
    ("chen", "Chen", "Wei", "SWE", "PLAT-CORE", "priya", 1),
    ("dara", "Dara", "O'Neill", "SWE", "PLAT-CORE", "priya", 5),
    ("emil", "Emil", "Novak", "SWE", "PLAT-CORE", "priya", 0),
    ("farah", "Farah", "Khan", "SWE", "PLAT-CORE", "priya", 2),
    ("gustavo", "Gustavo", "Silva", "ANALYST", "DATA", "kenji", 2),
    ("hana", "Hana", "Kim", "ANALYST", "DATA", "kenji", 1),
    ("ivan", "Ivan", "Petrov", "ANALYST", "DATA", "kenji", 4),
    ("julia", "Julia", "Schmidt", "ANALYST", "DATA", "kenji", 0),
    ("karim", "Karim", "Benali", "AE", "SALES-EMEA", "sofia", 3),
    ("lena", "Lena", "Vogel", "AE", "SALES-EMEA", "sofia", 2),
    ("mateo", "Mateo", "Garcia", "AE", "SALES-EMEA", "sofia", 1),
    ("nora", "Nora", "Lindberg", "AE", "SALES-EMEA", "sofia", 4),
    ("oliver", "Oliver", "Smith", "AE", "SALES-EMEA", "sofia", 0),
    ("paula", "Paula", "Johnson", "AE", "SALES-NA", "marcus", 2),
    ("quinn", "Quinn", "Taylor", "AE", "SALES-NA", "marcus", 1),
    ("rosa", "Rosa", "Martinez", "AE", "SALES-NA", "marcus", 3),
    ("samir", "Samir", "Patel", "AE", "SALES-NA", "marcus", 2),
    ("tara", "Tara", "Williams", "AE", "SALES-NA", "marcus", 0),
    ("uma", "Uma", "Reddy", "SUP-SPEC", "SUPPORT", "fatima", 2),
    ("victor", "Victor", "Dubois", "SUP-SPEC", "SUPPORT", "fatima", 1),
    ("wendy", "Wendy", "Clarke", "SUP-SPEC", "SUPPORT", "fatima", 3),
    ("xavier", "Xavier", "Moreau", "SUP-SPEC", "SUPPORT", "fatima", 0),
    ("yasmin", "Yasmin", "Aziz", "SUP-SPEC", "SUPPORT", "fatima", 4),
    ("zoe", "Zoe", "Campbell", "SWE", "PLAT-CORE", "priya", 1),
    ("ben", "Ben", "Adeyemi", "ANALYST", "DATA", "kenji", 2),
]

COURSES = [
    ("course-v1:Northwind+LEAD101+2026", "Leading High-Performing Teams"),
    ("course-v1:Northwind+PM201+2026", "Project Management Essentials"),
    ("course-v1:Northwind+DATA110+2026", "Data Literacy for Everyone"),
    ("course-v1:Northwind+SELL150+2026", "Consultative Selling"),
]

ENROLLMENTS = {
    "course-v1:Northwind+LEAD101+2026": ["priya", "kenji", "sofia", "marcus", "fatima"],
    "course-v1:Northwind+PM201+2026": ["alex", "bianca", "gustavo", "priya"],
    "course-v1:Northwind+DATA110+2026": ["hana", "julia", "karim", "uma"],
    "course-v1:Northwind+SELL150+2026": ["lena", "mateo", "oliver", "tara", "quinn"],
}

#: The logins printed by ``make demo``: persona -> username.
PERSONAS = {
    "learner": "alex",
    "manager": "priya",
    "senior manager": "tomas",
    "HR admin": "helen",
    "course staff": "jordan",
    "platform superuser (Django admin)": "admin",
}


@functools.cache
def _demo_password_hash():
    """One hash for every demo account: hashing each (PBKDF2) would make ``make demo`` wait ~15 s. Demo only."""
    return make_password(DEMO_PASSWORD)


def _user(username, first="", last="", **extra):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@northwind.example", **extra},
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def load_org():
    """Units, positions and people (with reporting lines), the HR admin group and a superuser."""
    units = {}
    for code, name, kind, parent in UNITS:
        unit = OrgUnit.objects.filter(code=code).first()
        units[code] = unit or services.create_org_unit(code=code, name=name, kind=kind, parent=units.get(parent))
    positions = {}
    for code, title, unit in POSITIONS:
        positions[code], _ = Position.objects.get_or_create(
            code=code, defaults={"title": title, "org_unit": units[unit]}
        )
    today = datetime.date.today()
    employees = {}
    for number, (username, first, last, position, unit, manager, years) in enumerate(PEOPLE, start=1001):
        user = _user(username, first, last)
        employee = Employee.objects.filter(user=user).first()
        if employee is None:
            employee = services.create_employee(
                user,
                manager=employees.get(manager),
                employee_number=f"NW{number}",
                position=positions[position],
                org_unit=units[unit],
                start_date=today.replace(year=today.year - years, day=1),
            )
        employees[username] = employee
    group, _ = Group.objects.get_or_create(name=settings.PERF_MGMT_HR_ADMIN_GROUP)
    group.user_set.add(employees["helen"].user, employees["nadia"].user)
    _user("admin", "Site", "Admin", is_staff=True, is_superuser=True)


def load_courses():
    """Demo courses, enrollments and the course staff role of the learning designer."""
    for key, name in COURSES:
        Course.objects.get_or_create(id=CourseKey.from_string(key), defaults={"display_name": name})
    user_model = get_user_model()
    for key, usernames in ENROLLMENTS.items():
        course_key = CourseKey.from_string(key)
        for user in user_model.objects.filter(username__in=usernames):
            CourseEnrollment.objects.get_or_create(user=user, course_id=course_key)
    jordan = user_model.objects.get(username="jordan")
    for key in COURSES[:2]:
        course_key = CourseKey.from_string(key[0])
        CourseAccessRole.objects.get_or_create(user=jordan, course_id=course_key, org=course_key.org, role="staff")


#: Competency frameworks of the demo, in the JSON format of ``perf_mgmt_plugin.competencies.transfer``.
FIVE_LEVELS = {
    "slug": "five-levels",
    "name": "Five proficiency levels",
    "levels": [
        {"value": 1, "name": "Aware", "description": "<p>Knows what it is and why it matters.</p>"},
        {"value": 2, "name": "Practising", "description": "<p>Applies it with guidance.</p>"},
        {"value": 3, "name": "Skilled", "description": "<p>Applies it independently in usual situations.</p>"},
        {"value": 4, "name": "Advanced", "description": "<p>Handles complex situations; coaches others.</p>"},
        {"value": 5, "name": "Expert", "description": "<p>Shapes how the organisation does it.</p>"},
    ],
}
FRAMEWORKS = [
    {
        "slug": "leadership",
        "name": "Leadership",
        "description": "<p>How we lead people and change at Northwind.</p>",
        "scale": FIVE_LEVELS,
        "clusters": [{"code": "PEOPLE", "name": "Leading people"}, {"code": "SELF", "name": "Leading self"}],
        "competencies": [
            {
                "code": "COACH",
                "name": "Coaching",
                "cluster": "PEOPLE",
                "indicators": [
                    {"level": 2, "text": "Asks open questions in 1:1s"},
                    {"level": 4, "text": "Coaches new managers"},
                ],
            },
            {"code": "FEEDBACK", "name": "Giving feedback", "cluster": "PEOPLE"},
            {"code": "DECIDE", "name": "Decision making", "cluster": "SELF"},
        ],
    },
    {
        "slug": "project-management",
        "name": "Project Management",
        "description": "<p>Delivering work on time, scope and budget.</p>",
        "scale": FIVE_LEVELS,
        "competencies": [
            {
                "code": "PLAN",
                "name": "Planning and scheduling",
                "indicators": [{"level": 3, "text": "Keeps a realistic plan"}],
            },
            {"code": "RISK", "name": "Risk management"},
            {"code": "STAKE", "name": "Stakeholder management"},
        ],
    },
]
REQUIREMENTS = {
    # position: [(framework, competency, level, criticality)]
    "ENG-MGR": [
        ("leadership", "COACH", 4, "high"),
        ("leadership", "FEEDBACK", 4, "high"),
        ("project-management", "PLAN", 3, "medium"),
    ],
    "SALES-MGR": [("leadership", "COACH", 3, "high"), ("leadership", "DECIDE", 3, "medium")],
    "DATA-MGR": [("leadership", "COACH", 3, "medium"), ("project-management", "STAKE", 3, "high")],
    "SWE": [("project-management", "PLAN", 2, "medium"), ("project-management", "RISK", 2, "low")],
    "ANALYST": [("project-management", "STAKE", 2, "medium")],
    "AE": [("project-management", "STAKE", 3, "high")],
}
COURSE_LINKS = [
    ("course-v1:Northwind+LEAD101+2026", "leadership", "COACH", 4),
    ("course-v1:Northwind+LEAD101+2026", "leadership", "FEEDBACK", 3),
    ("course-v1:Northwind+PM201+2026", "project-management", "PLAN", 3),
    ("course-v1:Northwind+PM201+2026", "project-management", "RISK", 3),
    ("course-v1:Northwind+SELL150+2026", "project-management", "STAKE", 3),
]
ASSESSMENTS = [
    # person, framework, competency, level, source, rater
    ("priya", "leadership", "COACH", 3, "self", "priya"),
    ("priya", "leadership", "COACH", 3, "manager", "tomas"),
    ("priya", "leadership", "FEEDBACK", 4, "self", "priya"),
    ("alex", "project-management", "PLAN", 1, "self", "alex"),
    ("alex", "project-management", "PLAN", 2, "manager", "priya"),
    ("bianca", "project-management", "PLAN", 3, "self", "bianca"),
    ("bianca", "project-management", "RISK", 2, "peer", "alex"),
    ("chen", "project-management", "RISK", 1, "self", "chen"),
    ("sofia", "leadership", "COACH", 2, "self", "sofia"),
    ("marcus", "leadership", "DECIDE", 4, "self", "marcus"),
    ("karim", "project-management", "STAKE", 2, "self", "karim"),
    ("lena", "project-management", "STAKE", 3, "manager", "sofia"),
]


def load_competencies():
    """Two frameworks, requirements for the demo positions, course links, and a few assessments (once)."""
    from perf_mgmt_plugin.competencies import services as competency_services
    from perf_mgmt_plugin.competencies import transfer
    from perf_mgmt_plugin.competencies.models import Assessment, Competency

    for document in FRAMEWORKS:
        result = transfer.import_framework(transfer.records_from_json(document), dry_run=False)
        assert result.ok, result.errors
    competencies = {(c.framework.slug, c.code): c for c in Competency.objects.select_related("framework")}
    positions = {p.code: p for p in Position.objects.all()}
    for position, items in REQUIREMENTS.items():
        for framework, code, level, criticality in items:
            competency_services.set_requirement(
                positions[position], competencies[(framework, code)], level, criticality
            )
    for course_key, framework, code, level in COURSE_LINKS:
        competency_services.set_course_link(course_key, competencies[(framework, code)], level)
    if Assessment.objects.exists():
        return  # assessments are append-only history: add the demo's only once
    employees = {e.user.username: e for e in Employee.objects.select_related("user")}
    for person, framework, code, level, source, rater in ASSESSMENTS:
        competency_services.record_assessment(
            employees[rater].user, employees[person], competencies[(framework, code)], level, source
        )


SELF_ASSESSMENT_OLX = (
    '<perf_mgmt_self_assessment display_name="Where do you stand?" framework="leadership" '
    """competencies='["COACH", "FEEDBACK"]' mode="before"/>"""
)


def load_self_assessment_block():
    """The self-assessment XBlock at the start of LEAD101's course page (once; an edited block is left alone)."""
    course_key = CourseKey.from_string("course-v1:Northwind+LEAD101+2026")
    if not CourseBlock.objects.filter(course_id=course_key, olx__contains="<perf_mgmt_self_assessment").exists():
        CourseBlock.objects.create(
            course_id=course_key, order=0, display_name="Before you start: rate yourself", olx=SELF_ASSESSMENT_OLX
        )


#: The demo strategy: (title, level rank, owner username or unit code, parent title, measure, target, unit).
STRATEGY = [
    ("Grow recurring revenue by 30%", 1, "NW", None, "rollup", None, ""),
    ("Run a platform customers can rely on", 1, "NW", None, "rollup", None, ""),
    ("Win new enterprise customers", 2, "amara", "Grow recurring revenue by 30%", "rollup", None, ""),
    ("Modernise the core platform", 2, "tomas", "Run a platform customers can rely on", "rollup", None, ""),
    ("EMEA pipeline", 3, "SALES-EMEA", "Win new enterprise customers", "rollup", None, ""),
    ("North America pipeline", 3, "SALES-NA", "Win new enterprise customers", "rollup", None, ""),
    ("Core services on the new stack", 3, "PLAT-CORE", "Modernise the core platform", "rollup", None, ""),
    ("Reliability dashboards", 3, "DATA", "Modernise the core platform", "rollup", None, ""),
    ("EMEA: close 12 enterprise deals", 4, "sofia", "EMEA pipeline", "rollup", None, ""),
    ("NA: close 10 enterprise deals", 4, "marcus", "North America pipeline", "rollup", None, ""),
    ("Migrate the core services", 4, "priya", "Core services on the new stack", "rollup", None, ""),
    ("Ops dashboards live", 4, "kenji", "Reliability dashboards", "rollup", None, ""),
]
#: Bulk-cascaded individual tasks: (team goal, title, measure, target, unit, course key, owners).
STRATEGY_TASKS = [
    (
        "EMEA: close 12 enterprise deals",
        "Close enterprise deals",
        "numeric",
        3,
        "deals",
        "course-v1:Northwind+SELL150+2026",
        ["karim", "lena", "mateo", "nora"],
    ),
    (
        "NA: close 10 enterprise deals",
        "Close enterprise deals",
        "numeric",
        2,
        "deals",
        "course-v1:Northwind+SELL150+2026",
        ["paula", "quinn", "rosa", "samir", "tara"],
    ),
    (
        "Migrate the core services",
        "Migrate my services",
        "numeric",
        100,
        "%",
        "course-v1:Northwind+PM201+2026",
        ["alex", "bianca", "chen", "dara", "farah", "zoe"],
    ),
    (
        "Ops dashboards live",
        "Build my dashboards",
        "numeric",
        4,
        "dashboards",
        "course-v1:Northwind+DATA110+2026",
        ["gustavo", "hana", "ivan", "ben"],
    ),
]
#: How each person's work goes (share of the work done per week, oldest week first); the last value repeats.
STRATEGY_PACES = {
    "on_track": [0.09],
    "slipping": [0.12, 0.12, 0.1, 0.02, 0.0],
    "recovered": [0.08, 0.0, 0.0, 0.15, 0.16],
    "ahead": [0.14],
}
STRATEGY_PROFILE = {
    "alex": "slipping",
    "bianca": "on_track",
    "chen": "recovered",
    "dara": "ahead",
    "farah": "on_track",
    "zoe": "slipping",
    "karim": "on_track",
    "lena": "ahead",
    "mateo": "slipping",
    "nora": "on_track",
    "paula": "on_track",
    "quinn": "recovered",
    "rosa": "slipping",
    "samir": "on_track",
    "tara": "ahead",
    "gustavo": "on_track",
    "hana": "recovered",
    "ivan": "on_track",
    "ben": "slipping",
}


def load_strategy():
    """
    A strategy for the current fiscal quarter cascaded through the demo organisation, with weekly progress since the
    quarter started (some people on track, some slipping, some recovered, so forecasts and at-risk branches show),
    weekly check-ins of Priya's team (held, missed, one prepared), and a check-in with a help request from a course.
    Once: skipped when the quarter already has the demo's strategic objective.
    """
    from perf_mgmt_plugin import api
    from perf_mgmt_plugin.strategy import checkins, rollup
    from perf_mgmt_plugin.strategy import services as strategy_services
    from perf_mgmt_plugin.strategy.models import CheckIn, Level, Objective, Period

    today = datetime.date.today()
    period = strategy_services.fiscal_period(Period.QUARTER, today)
    if Objective.objects.filter(period=period, title=STRATEGY[0][0]).exists():
        return
    hr = get_user_model().objects.get(username="helen")
    employees = {e.user.username: e for e in Employee.objects.select_related("user", "manager__user")}
    units = {u.code: u for u in OrgUnit.objects.all()}
    levels = {level.rank: level for level in Level.objects.all()}
    objectives = {}
    for title, rank, owner, parent, measure, target, unit in STRATEGY:
        owner_fields = {"owner": employees[owner]} if owner in employees else {"owner_unit": units[owner]}
        extra = {"target_value": target, "unit": unit} if target else {}
        objectives[title] = strategy_services.create_objective(
            hr,
            title=title,
            period=period,
            parent=objectives.get(parent),
            level=levels[rank],
            measure=measure,
            **owner_fields,
            **extra,
        )
    start = period.start
    weeks = max((today - start).days // 7, 0)
    for parent, title, measure, target, unit, course_key, owners in STRATEGY_TASKS:
        template = strategy_services.bulk_cascade(
            hr,
            objectives[parent],
            title=title,
            owners=[employees[u] for u in owners],
            measure=measure,
            target_value=target,
            unit=unit,
            course_key=course_key,
        )
        for task in strategy_services.cascaded_copies(template):
            paces = STRATEGY_PACES[STRATEGY_PROFILE[task.owner.user.username]]
            done = 0.0
            for week in range(1, weeks + 1):
                done = min(1.0, done + paces[min(week - 1, len(paces) - 1)])
                at = timezone.make_aware(
                    datetime.datetime.combine(start + datetime.timedelta(weeks=week), datetime.time(10))
                )
                strategy_services.record_progress(task.owner.user, task, value=round(done * target, 2), at=at)
    rollup.recompute_all(notify=False)
    # Weekly check-ins of Priya with her engineers since the quarter started: held, except a few missed.
    priya = employees["priya"]
    for username in STRATEGY_TASKS[2][6]:
        checkins.create_series(
            priya.user, manager=priya, employee=employees[username], start=start + datetime.timedelta(days=3)
        )
    checkins.schedule_due(today)
    for number, check_in in enumerate(
        CheckIn.objects.filter(manager=priya, scheduled_for__lt=today).select_related("employee__user")
    ):
        if number % 5 == 4:
            continue  # missed
        task = Objective.objects.filter(owner=check_in.employee, period=period).first()
        confidence = 4 if STRATEGY_PROFILE[check_in.employee.user.username] == "slipping" else 8
        checkins.hold(
            priya.user,
            check_in,
            mode=CheckIn.VIDEO if number % 2 else CheckIn.FACE_TO_FACE,
            entries=[{"objective": task.pk, "status": task.status, "confidence": confidence}],
            next_actions="Keep the migration checklist up to date.",
        )
    upcoming = CheckIn.objects.filter(employee=employees["alex"], status=CheckIn.SCHEDULED).first()
    if upcoming is not None:
        checkins.prepare(
            employees["alex"].user,
            upcoming,
            impediments=[{"description": "Staging database is unstable", "severity": "high"}],
            notes=[{"body": "I want to talk about the on-call rota.", "private": False}],
        )
    api.record_course_checkin(
        employees["alex"].user,
        "course-v1:Northwind+PM201+2026",
        "demo-checkin",
        steps_done="Wrote a migration plan with milestones",
        reflection="Estimating is harder than it looks",
        help_request="Could we review my estimates together this week?",
    )


#: The "New manager" template: (kind, title, course key, competency code, due days).
NEW_MANAGER_ITEMS = [
    ("course", "Leading High-Performing Teams", "course-v1:Northwind+LEAD101+2026", "COACH", 60),
    ("on_the_job", "Run a weekly 1:1 with every report for a month", None, "COACH", 30),
    ("coaching", "Shadow an experienced manager's quarterly reviews", None, "FEEDBACK", 45),
    ("reading", "Read 'The Making of a Manager'", None, None, 30),
    ("course", "Project Management Essentials", "course-v1:Northwind+PM201+2026", "PLAN", 90),
]


def _send_lms_event(signal, when, **data):
    """Send a real openedx-events signal, as the LMS would (the plugin's receivers move the plan items)."""
    import uuid

    from openedx_events.data import EventsMetadata

    metadata = EventsMetadata(event_type=signal.event_type, id=uuid.uuid1(), time=when)
    signal.send_event_with_custom_metadata(metadata, send_robust=False, **data)


def _lms_grade(user, course_key, percent, when, passed=False):
    from openedx_events.learning import signals
    from openedx_events.learning.data import CourseData, PersistentCourseGradeData

    grade = PersistentCourseGradeData(
        user_id=user.pk,
        course=CourseData(course_key=CourseKey.from_string(course_key)),
        course_edited_timestamp=when,
        course_version="demo",
        grading_policy_hash="demo",
        percent_grade=percent,
        letter_grade="Pass" if passed else "",
        passed_timestamp=when if passed else None,
    )
    _send_lms_event(signals.PERSISTENT_GRADE_SUMMARY_CHANGED, when, grade=grade)


def load_development():
    """
    Development plans: the "New manager" template (assigned by HR to Marcus, the newest manager), Alex's plan from
    Priya with items in several states (a course half done from real grade events, an on-the-job task, a finished
    reading, a course he proposed himself), Chen's plan with a course completed through the LMS (course evidence
    for COACH) and an overdue item, and Bianca's plan awaiting Priya's approval. Once: skipped when the template
    exists.
    """
    from perf_mgmt_plugin.competencies.models import Competency
    from perf_mgmt_plugin.development import services as development
    from perf_mgmt_plugin.development.models import PlanTemplate

    if PlanTemplate.objects.filter(slug="new-manager").exists():
        return
    competencies = {c.code: c for c in Competency.objects.filter(code__in=["COACH", "FEEDBACK", "PLAN"])}
    template = development.create_template(
        slug="new-manager",
        name="New manager",
        description="<p>The first six months of a new people manager: lead, coach, plan.</p>",
        items=[
            {
                "kind": kind,
                "title": title,
                "course_key": course_key,
                "competency": competencies.get(code),
                "due_days": days,
            }
            for kind, title, course_key, code, days in NEW_MANAGER_ITEMS
        ],
    )
    employees = {e.user.username: e for e in Employee.objects.select_related("user")}
    hr, priya = employees["helen"].user, employees["priya"].user
    today = datetime.date.today()
    development.assign_template(
        hr, template, employee_ids=[employees["marcus"].pk], start=today - datetime.timedelta(days=20)
    )
    now = timezone.now()

    alex = employees["alex"]
    plan = development.create_plan(
        priya, alex, title="Alex: towards tech lead", goals="<p>Lead a project end to end.</p>"
    )
    pm = development.add_item(
        priya,
        plan,
        kind="course",
        title="Project Management Essentials",
        course_key="course-v1:Northwind+PM201+2026",
        competency=competencies.get("PLAN"),
        due_date=today + datetime.timedelta(days=45),
    )
    development.add_item(
        priya,
        plan,
        kind="on_the_job",
        title="Lead the staging database migration",
        competency=competencies.get("PLAN"),
        due_date=today + datetime.timedelta(days=30),
    )
    reading = development.add_item(priya, plan, kind="reading", title="Read 'The Phoenix Project'")
    development.complete_item(alex.user, reading, note="Great read: the WIP limits chapter changed how I plan.")
    development.add_item(
        alex.user,
        plan,
        kind="course",
        title="Data Literacy for Everyone",
        course_key="course-v1:Northwind+DATA110+2026",
    )
    _lms_grade(alex.user, str(pm.course_key), 0.25, now - datetime.timedelta(days=10))
    _lms_grade(alex.user, str(pm.course_key), 0.45, now - datetime.timedelta(days=2))
    development.add_comment(priya, plan, "Let's look at the migration plan together on Thursday.")

    chen = employees["chen"]
    plan = development.create_plan(priya, chen, title="Chen: growing into mentoring")
    lead = development.add_item(
        priya,
        plan,
        kind="course",
        title="Leading High-Performing Teams",
        course_key="course-v1:Northwind+LEAD101+2026",
        competency=competencies.get("COACH"),
    )
    development.add_item(
        priya,
        plan,
        kind="coaching",
        title="Mentor Emil through his first on-call week",
        due_date=today - datetime.timedelta(days=7),
    )
    _lms_grade(chen.user, str(lead.course_key), 0.86, now - datetime.timedelta(days=1), passed=True)

    bianca = employees["bianca"]
    plan = development.create_plan(bianca.user, bianca, goals="<p>Own the API design reviews.</p>")
    development.add_item(
        bianca.user,
        plan,
        kind="course",
        title="Leading High-Performing Teams",
        course_key="course-v1:Northwind+LEAD101+2026",
        competency=competencies.get("COACH"),
    )
    development.add_item(bianca.user, plan, kind="coaching", title="Monthly mentoring with Dara")
    development.propose_plan(bianca.user, plan)


#: The check-in XBlock in PM201, after the module on planning: alex (enrolled, whose migration task names PM201)
#: sees the line of sight of that task above the questions, and Priya, his manager, his requests for help.
CHECKIN_COURSE = "course-v1:Northwind+PM201+2026"
CHECKIN_LEARNER = "alex"
CHECKIN_OLX = (
    '<perf_mgmt_checkin display_name="Back at work: how is your plan going?" '
    'steps_prompt="Which parts of the planning method have you used on your project?"/>'
)


def load_checkin_block():
    """The check-in XBlock at the end of PM201's course page (once; an edited block is left alone)."""
    course_key = CourseKey.from_string(CHECKIN_COURSE)
    if not CourseBlock.objects.filter(course_id=course_key, olx__contains="<perf_mgmt_checkin").exists():
        CourseBlock.objects.create(
            course_id=course_key, order=10, display_name="Check in: applying the module", olx=CHECKIN_OLX
        )


#: The descriptive scale of key result areas: as much text per point as a rater needs at the moment of rating.
RESULTS_SCALE = [
    (1, "Not met", "<p>Most agreed results were <strong>missed</strong>; the gaps were not flagged in time.</p>"),
    (2, "Partly met", "<p>Some results reached; the rest late or smaller, with the reasons known early.</p>"),
    (3, "Met", "<p>The agreed results, on time and as agreed. This is a good rating.</p>"),
    (4, "Exceeded", "<p>More than agreed, or the same sooner; others could build on it.</p>"),
    (5, "Outstanding", "<p>Far beyond what was agreed; changed how the team or the company works.</p>"),
]
REVIEW_TEMPLATE = {
    "slug": "northwind-review",
    "name": "Northwind performance review",
    "description": "<p>One conversation per quarter: results, competencies, what we learned, what comes next.</p>",
    "sections": [
        {
            "kind": "kra",
            "title": "Key results",
            "instructions": "<p>Your objectives of the period, straight from the cascade. Rate each one.</p>",
            "weight": 2,
            "scale": "results-five",
        },
        {
            "kind": "competencies",
            "title": "Competencies of the role",
            "instructions": "<p>What your position requires, rated on the framework's levels.</p>",
            "weight": 1,
        },
        {
            "kind": "questions",
            "title": "Looking back and ahead",
            "weight": 0,
            "questions": [
                {"text": "What are you most proud of this period?", "required": True},
                "What got in your way, and what would have helped?",
                "What should we keep, start or stop doing as a team?",
            ],
        },
        {
            "kind": "development",
            "title": "Development and next steps",
            "instructions": "<p>The actions you agree on; development actions go into the development plan.</p>",
            "weight": 0,
        },
    ],
}
#: Last quarter's reviewed people (all completed): Priya's and Kenji's teams and the two managers themselves (reviewed
#: by Tomas); the new joiners of this month are not among them.
PAST_REVIEWED = ["alex", "bianca", "chen", "dara", "farah", "zoe", "gustavo", "hana", "ivan", "ben", "priya", "kenji"]
#: Who answered last quarter's process survey, by org unit: 4 in Core Services (shown), 2 in Data & Analytics and
#: Tomas alone in Technology (both hidden: below the minimum group of 3; together they hold 3 answers, so showing
#: Core Services gives nothing of them away). Alex has not answered yet, so his survey waits for him -- and while the
#: survey takes answers its results are not released (PERF_MGMT_SURVEY_DAYS after closing, docs/decisions/0014).
SURVEY_ANSWERS = [
    # username, clarity, usefulness, fairness, meeting, comment
    ("bianca", 4, 5, 4, 5, "The examples on the scale made rating much easier."),
    ("chen", 3, 4, 4, 4, "More time between self review and meeting, please."),
    ("dara", 5, 4, 5, 5, ""),
    ("farah", 4, 3, 4, 4, "Seeing my check-ins next to the objectives helped."),
    ("gustavo", 2, 3, 3, 4, "The form was long."),
    ("hana", 4, 4, 4, 3, ""),
    ("tomas", 4, 4, 5, 5, "Coaching my managers before they shared made a difference."),
]
#: Where each review of the current cycle stands (the others wait for their self review).
CURRENT_STAGES = {
    "alex": "self_draft",  # the learner persona mid self-review
    "bianca": "manager_review",  # Priya's to write
    "chen": "manager_review",
    "dara": "meeting",  # shared; the meeting is on the calendar
    "farah": "sign_off",  # met; Farah signed, Priya has not
    "zoe": "completed",
    "gustavo": "manager_review",  # Kenji's, coached by Priya: feedback given
    "hana": "manager_review",  # Kenji's, waiting for Priya's feedback
    "priya": "self_submitted",  # Tomas (senior manager persona) has her review to write
}


def _ratings(review, level, side):
    """Every item of ``review`` answered: ratings around ``level`` on its scale, a line of text per question."""
    items = {}
    for n, item in enumerate(review.items.all()):
        if item.scale_id:
            items[item.pk] = {"rating": max(1, min(5, level + (n % 3) - 1)), "comment": ""}
        elif item.question_id:
            text = "Shipped the migration plan and kept the team informed." if side == "self" else "Agreed."
            items[item.pk] = {"comment": text}
    return items


def _past_objectives(hr, period, employees):
    """Last quarter's small cascade, so its reviews have key result areas from objectives (line of sight)."""
    from perf_mgmt_plugin.strategy import services as strategy_services
    from perf_mgmt_plugin.strategy.models import Level

    levels = {level.rank: level for level in Level.objects.all()}
    tech = OrgUnit.objects.get(code="TECH")
    root = strategy_services.create_objective(
        hr, title="Halve customer-facing incidents", period=period, level=levels[1], owner_unit=tech
    )
    for manager, title, owners in (
        ("priya", "Core services: fewer incidents", ["alex", "bianca", "chen", "dara", "farah", "zoe"]),
        ("kenji", "Incident analytics in place", ["gustavo", "hana", "ivan", "ben"]),
    ):
        goal = strategy_services.create_objective(
            hr, title=title, period=period, parent=root, level=levels[4], owner=employees[manager], measure="rollup"
        )
        template = strategy_services.bulk_cascade(
            hr, goal, title="Fix my top incident causes", owners=[employees[u] for u in owners], measure="binary"
        )
        for task in strategy_services.cascaded_copies(template):
            at = timezone.make_aware(datetime.datetime.combine(period.end, datetime.time(12)))
            strategy_services.record_progress(task.owner.user, task, done=True, at=at)


#: The follow-up actions agreed in a review that names none: every review ends with what follows.
DEFAULT_FOLLOW_UP = {"title": "Agree next quarter's objectives at the first check-in", "days": 21, "kind": "work"}


#: Last quarter's follow-up actions beyond the default (development ones become items of the person's plan).
PAST_FOLLOW_UPS = {
    "alex": (
        {
            "title": "Pair with Dara on estimating the next migration",
            "days": 45,
            "kind": "development",
            "description": "<p>Two sessions a month.</p>",
        },
        {"title": "Write the on-call runbook for the auth service", "days": 20, "kind": "work"},
    ),
    "zoe": (
        {"title": "Agree incident ownership with the SRE team", "days": 14, "kind": "support", "manager_owns": True},
    ),
    "hana": ({"title": "Take 'Data Literacy for Everyone'", "days": 45, "kind": "development"},),
}


def _complete(review, employee, manager, *, level, meeting_at, comment="", disagreement="", follow_up=()):
    """
    Walk one review through every step with the domain functions, as the two people would; the manager agrees
    ``follow_up`` (dicts: title, days until due, kind, optional description; ``DEFAULT_FOLLOW_UP`` when empty)
    before signing.
    """
    from perf_mgmt_plugin.appraisals import actions, reviews

    reviews.save_self_review(
        employee.user, review, summary="<p>A solid quarter.</p>", items=_ratings(review, level, "self"), submit=True
    )
    reviews.save_manager_review(
        manager.user, review, summary="<p>Reliable and improving.</p>", items=_ratings(review, level, "manager")
    )
    reviews.share_review(manager.user, review)
    reviews.schedule_meeting(manager.user, review, at=meeting_at, mode="in_person")
    reviews.confirm_attendance(employee.user, review)
    reviews.confirm_attendance(manager.user, review)
    reviews.sign_off(employee.user, review, comment=comment, disagrees=bool(disagreement), disagreement=disagreement)
    for action in follow_up or (DEFAULT_FOLLOW_UP,):
        owner = manager if action.get("manager_owns") else None
        actions.add_action(
            manager.user,
            review,
            title=action["title"],
            due_date=datetime.date.today() + datetime.timedelta(days=action["days"]),
            kind=action["kind"],
            description=action.get("description", ""),
            owner=owner,
        )
    reviews.sign_off(manager.user, review)


def _launched_cycle(hr, template, period, dates, **population):
    """A quarterly cycle over ``period`` created and launched (synchronously) by HR; its reviews by username."""
    from perf_mgmt_plugin.appraisals import cycles, launch
    from perf_mgmt_plugin.appraisals.models import Cycle, Review

    cycle = cycles.create_cycle(
        hr,
        name=f"{period.name} review",
        template=template,
        cadence=Cycle.QUARTERLY,
        period=period,
        **dates,
        **population,
    )
    launch.start_launch(hr, cycle)
    launch.run_launch(cycle.pk)
    reviews = Review.objects.filter(cycle=cycle).select_related("employee__user")
    return cycle, {review.employee.user.username: review for review in reviews}


def _backdate_past_cycle(cycle, dates):
    """
    Last quarter's reviews were walked through today by the domain functions; date each step on its phase's
    deadline instead (the launch two weeks before the first), so their history reads as it would have happened.
    """
    from perf_mgmt_plugin.appraisals.models import Cycle, FollowUpAction, Review, ReviewEvent

    def at(field, hour):
        return timezone.make_aware(datetime.datetime.combine(dates[field], datetime.time(hour)))

    launched = at("self_review_due", 9) - datetime.timedelta(days=14)
    Cycle.objects.filter(pk=cycle.pk).update(launched_at=launched, created=launched)
    reviews_of_cycle = Review.objects.filter(cycle=cycle)
    reviews_of_cycle.update(
        created=launched,
        self_submitted_at=at("self_review_due", 9),
        manager_shared_at=at("manager_review_due", 9),
        employee_attended_at=at("meeting_due", 11),
        manager_attended_at=at("meeting_due", 11),
        employee_signed_at=at("sign_off_due", 9),
        manager_signed_at=at("sign_off_due", 10),
        completed_at=at("sign_off_due", 10),
    )
    when = {
        "self_submitted": at("self_review_due", 9),
        "manager_ready": at("manager_review_due", 8),
        "shared": at("manager_review_due", 9),
        "meeting_scheduled": at("manager_review_due", 10),
        "attended": at("meeting_due", 11),
        "meeting_held": at("meeting_due", 11),
        "action_added": at("sign_off_due", 9),
        "signed": at("sign_off_due", 10),
        "completed": at("sign_off_due", 10),
    }
    for action, moment in when.items():
        ReviewEvent.objects.filter(review__cycle=cycle, action=action).update(created=moment)
    FollowUpAction.objects.filter(review__cycle=cycle).update(created=at("sign_off_due", 9))


def _past_cycle(hr, template, employees, today):
    """Last quarter's cycle: every review completed, follow-up actions agreed, closed, and the survey answered."""
    from perf_mgmt_plugin.appraisals import cycles, survey
    from perf_mgmt_plugin.appraisals.models import Cycle
    from perf_mgmt_plugin.strategy import services as strategy_services
    from perf_mgmt_plugin.strategy.models import Period

    current = strategy_services.fiscal_period(Period.QUARTER, today)
    period = strategy_services.fiscal_period(Period.QUARTER, current.start - datetime.timedelta(days=1))
    _past_objectives(hr, period, employees)
    dates = cycles.suggested_dates(Cycle.QUARTERLY, period.start, period.end)
    for n, (_phase, field) in enumerate(Cycle.PHASE_DEADLINES):
        dates[field] = min(dates[field], today - datetime.timedelta(days=4 - n))  # all passed, still in order
    cycle, by_person = _launched_cycle(hr, template, period, dates, people=[employees[u] for u in PAST_REVIEWED])
    meeting_at = timezone.make_aware(datetime.datetime.combine(dates["meeting_due"], datetime.time(10)))
    for username in PAST_REVIEWED:
        person = employees[username]
        disagreement = "<p>The incident count was not mine alone to move.</p>" if username == "zoe" else ""
        _complete(
            by_person[username],
            person,
            person.manager,
            level=4 if username in ("dara", "bianca") else 3,
            meeting_at=meeting_at,
            comment="<p>Thanks for the clear feedback.</p>",
            disagreement=disagreement,
            follow_up=PAST_FOLLOW_UPS.get(username, ()),
        )
    _backdate_past_cycle(cycle, dates)
    cycles.close_cycle(hr, cycle)
    for username, clarity, usefulness, fairness, meeting, comment in SURVEY_ANSWERS:
        survey.submit_response(
            employees[username].user,
            cycle,
            clarity=clarity,
            usefulness=usefulness,
            fairness=fairness,
            meeting=meeting,
            comment=comment,
        )
    return cycle


def _current_cycle(hr, template, employees, today):
    """This quarter's cycle, launched for Core Services and Data & Analytics, reviews at every stage."""
    from perf_mgmt_plugin.appraisals import coaching, reviews
    from perf_mgmt_plugin.strategy import services as strategy_services
    from perf_mgmt_plugin.strategy.models import Period

    period = strategy_services.fiscal_period(Period.QUARTER, today)
    week = datetime.timedelta(days=7)
    dates = {
        "start": period.start,
        "end": period.end,
        "self_review_due": today + week,
        "manager_review_due": today + 2 * week,
        "meeting_due": today + 3 * week,
        "sign_off_due": today + 4 * week,
    }
    units = list(OrgUnit.objects.filter(code__in=["PLAT-CORE", "DATA"]))
    cycle, by_person = _launched_cycle(hr, template, period, dates, units=units)
    coaching.assign_coach(hr, cycle, employees["kenji"], employees["priya"])
    now = timezone.now()
    for username, stage in CURRENT_STAGES.items():
        review, person = by_person[username], employees[username]
        manager = person.manager
        if stage == "self_draft":
            items = dict(list(_ratings(review, 3, "self").items())[:2])
            reviews.save_self_review(
                person.user, review, summary="<p>Draft: the migration slipped in week 4…</p>", items=items
            )
            continue
        if stage == "completed":
            _complete(review, person, manager, level=4, meeting_at=now - datetime.timedelta(days=1))
            continue
        reviews.save_self_review(
            person.user,
            review,
            summary="<p>Steady progress this quarter.</p>",
            items=_ratings(review, 3, "self"),
            submit=True,
        )
        if stage == "self_submitted":
            continue
        draft = _ratings(review, 3, "manager")
        if stage == "manager_review":
            partial = dict(list(draft.items())[:1])
            reviews.save_manager_review(manager.user, review, summary="<p>Draft notes.</p>", items=partial)
            if username in ("gustavo", "hana"):
                reviews.request_coaching(manager.user, review)
            if username == "gustavo":
                coaching.add_feedback(
                    employees["priya"].user, review, "<p>Name one concrete example for the 'Partly met' rating.</p>"
                )
            continue
        reviews.save_manager_review(manager.user, review, summary="<p>Good quarter.</p>", items=draft, submit=True)
        reviews.share_review(manager.user, review)
        if stage == "meeting":
            reviews.schedule_meeting(manager.user, review, at=now + 3 * datetime.timedelta(days=1), mode="video")
            continue
        reviews.schedule_meeting(manager.user, review, at=now - datetime.timedelta(hours=2), mode="in_person")
        reviews.confirm_attendance(person.user, review)
        reviews.confirm_attendance(manager.user, review)
        reviews.sign_off(person.user, review, comment="<p>Fair summary.</p>")
    return cycle


#: Interim notes through this quarter: (about, author, tag, days ago, private, text).
INTERIM_NOTES = [
    ("alex", "priya", "recognition", 20, False, "Handled the staging outage calmly and wrote a clear post-mortem."),
    ("alex", "priya", "concern", 6, True, "Estimates keep slipping; talk about it in the next 1:1."),
    ("alex", "alex", "idea", 10, False, "A shared checklist for migrations would save us a week each time."),
    ("zoe", "priya", "observation", 12, False, "Took over the flaky-test triage without being asked."),
]


def _interim_notes(employees, today):
    from perf_mgmt_plugin.appraisals import notes

    for about, author, tag, days, private, text in INTERIM_NOTES:
        notes.add_note(
            employees[author].user,
            employees[about],
            tag=tag,
            private=private,
            noted_on=today - datetime.timedelta(days=days),
            body=f"<p>{text}</p>",
        )


def load_appraisals():
    """
    Appraisals: a review template (key results on a descriptive scale, competencies, free questions, development),
    last quarter's cycle (closed, every review completed -- Zoe disagreed at sign-off --, follow-up actions, two
    of them development items in the plans, the process survey answered by 4 people in Core Services and 2 in Data
    & Analytics, so only the first group shows), and this quarter's cycle under way: Alex mid self-review, Priya with
    reviews to write and coaching Kenji's, Tomas with Priya's review to write. Interim notes for Alex and Zoe. Once:
    skipped when the template exists.
    """
    from perf_mgmt_plugin.appraisals import templates
    from perf_mgmt_plugin.appraisals.models import ReviewTemplate
    from perf_mgmt_plugin.competencies import services as competency_services

    if ReviewTemplate.objects.filter(slug=REVIEW_TEMPLATE["slug"]).exists():
        return
    competency_services.create_scale(slug="results-five", name="Results", levels=RESULTS_SCALE)
    hr = get_user_model().objects.get(username="helen")
    template = templates.create_template(hr, **REVIEW_TEMPLATE)
    employees = {e.user.username: e for e in Employee.objects.select_related("user", "manager__user")}
    today = datetime.date.today()
    _past_cycle(hr, template, employees, today)
    _current_cycle(hr, template, employees, today)
    _interim_notes(employees, today)


# -- lane profiling: 360 feedback -------------------------------------------------------------------------------------

#: Demo answers: per rater group and competency code, the level given (self over-rates coaching: a blind spot;
#: under-rates feedback: a hidden strength).
PROFILING_LEVELS = {
    "self": {"COACH": 5, "FEEDBACK": 2, "DECIDE": 4},
    "manager": {"COACH": 3, "FEEDBACK": 4, "DECIDE": 4},
    "peer": {"COACH": 3, "FEEDBACK": 4, "DECIDE": 3},
    "direct_report": {"COACH": 2, "FEEDBACK": 5, "DECIDE": 4},
}
PROFILING_COMMENTS = ["Clear priorities every week.", "More time for 1:1s, please.", "Great at saying thank you."]


def _answer_all(subject, users, group):
    from perf_mgmt_plugin.profiling import services as profiling
    from perf_mgmt_plugin.profiling.models import Rater

    profile = subject.round.profile
    items = list(profile.items.select_related("competency").order_by("order", "pk"))
    question = profile.questions.order_by("order", "pk").first()
    for n, user in enumerate(users):
        rater = Rater.objects.get(subject=subject, user=user)
        levels = {i.pk: max(1, min(5, PROFILING_LEVELS[group][i.competency.code] + (n % 3) - 1)) for i in items}
        comments = (
            {question.pk: PROFILING_COMMENTS[n % len(PROFILING_COMMENTS)]} if question and group != "self" else {}
        )
        profiling.save_answers(user, rater, answers=levels, comments=comments, submit=True)


def _nominate_and_approve(subject, peers, reports, employees):
    from perf_mgmt_plugin.profiling import services as profiling

    nominations = {
        "peer": [employees[p].user_id for p in peers],
        "direct_report": [employees[r].user_id for r in reports],
    }
    profiling.nominate(subject.person.user, subject, nominations)
    subject.refresh_from_db()
    return profiling.approve(subject.person.manager.user, subject)


#: Who rates whom in the demo's rounds: subject -> (peers, direct reports).
PROFILING_RATERS = {
    "priya": (("kenji", "sofia", "marcus"), ("alex", "bianca", "chen")),
    "sofia": (("priya", "marcus", "kenji"), ("karim", "lena", "mateo")),
    "kenji": (("priya", "sofia", "marcus"), ("gustavo", "hana", "ivan")),
    "marcus": (("sofia", "priya", "kenji"), ("paula", "quinn", "rosa")),
}


def load_profiling():
    """
    360 feedback (once): a Leadership 360 profile; a closed round on Priya and Sofia with their reports (Priya's
    released to her, Sofia's awaiting her debrief); a round in progress (Kenji's raters answering, Marcus's
    nominations awaiting approval); and a self-only project-management profile.
    """
    from perf_mgmt_plugin.competencies.models import Competency
    from perf_mgmt_plugin.profiling import services as profiling
    from perf_mgmt_plugin.profiling.models import Profile, Subject

    if Profile.objects.filter(family="leadership-360").exists():
        return
    employees = {e.user.username: e for e in Employee.objects.select_related("user", "manager__user")}
    helen = employees["helen"].user

    def competencies(framework):
        return list(
            Competency.objects.filter(framework__slug=framework).order_by("order", "code").values_list("pk", flat=True)
        )

    def subjects(rnd):
        return {
            s.person.user.username: s
            for s in Subject.objects.filter(round=rnd).select_related(
                "round__profile", "person__user", "person__manager__user"
            )
        }

    profile = profiling.create_profile(
        helen,
        family="leadership-360",
        name="Leadership 360",
        competency_ids=competencies("leadership"),
        questions=["What should they keep doing?", "What would make them more effective?"],
    )
    profiling.set_profile_status(helen, profile, Profile.ACTIVE)
    spring = profiling.start_round(
        helen,
        profile,
        name="Leadership 360 - spring",
        person_ids=[employees[n].pk for n in ("priya", "sofia")],
        release_by="manager",
        notify_people=False,
    )
    for name, subject in subjects(spring).items():
        peers, reports = PROFILING_RATERS[name]
        _nominate_and_approve(subject, peers, reports, employees)
        _answer_all(subject, [subject.person.user], "self")
        _answer_all(subject, [subject.person.manager.user], "manager")
        _answer_all(subject, [employees[p].user for p in peers], "peer")
        _answer_all(subject, [employees[r].user for r in reports], "direct_report")
    profiling.close_round(helen, spring)
    priya = subjects(spring)["priya"]
    profiling.release_report(priya.person.manager.user, priya)

    autumn = profiling.start_round(
        helen,
        profile,
        name="Leadership 360 - autumn",
        person_ids=[employees[n].pk for n in ("kenji", "marcus")],
        notify_people=False,
    )
    people = subjects(autumn)
    kenji, marcus = people["kenji"], people["marcus"]
    _nominate_and_approve(kenji, *PROFILING_RATERS["kenji"], employees)
    _answer_all(kenji, [kenji.person.user], "self")
    _answer_all(kenji, [employees[p].user for p in ("priya", "sofia")], "peer")
    peers, reports = PROFILING_RATERS["marcus"]
    profiling.nominate(
        marcus.person.user,
        marcus,
        {"peer": [employees[p].user_id for p in peers], "direct_report": [employees[r].user_id for r in reports]},
    )
    self_profile = profiling.create_profile(
        helen,
        family="pm-self-check",
        name="Project management self-check",
        kind=Profile.KIND_SELF,
        competency_ids=competencies("project-management"),
        allow_self_request=True,
    )
    profiling.set_profile_status(helen, self_profile, Profile.ACTIVE)


# lane health: organisational health and succession (issue 19)
def load_health():
    """
    A health pack with good and lagging teams, two key positions with pools, and potential ratings for the grid:
    Sofia holds weekly face-to-face check-ins with her account executives (a good team); Marcus holds none with
    his (flagged: few check-ins, no face-to-face meetings). Engineering Manager and Sales Manager are key positions,
    each pool the two best-fitting suggestions, one confirmed ready. A snapshot a month ago gives the trends a start.
    Once: skipped when the Engineering Manager is already a key position.
    """
    from perf_mgmt_plugin.health import api as health
    from perf_mgmt_plugin.strategy import checkins
    from perf_mgmt_plugin.strategy.models import CheckIn
    from perf_mgmt_plugin.succession import api as succession

    if succession.KeyPosition.objects.filter(position__code="ENG-MGR").exists():
        return
    today = datetime.date.today()
    hr = get_user_model().objects.get(username="helen")
    employees = {e.user.username: e for e in Employee.objects.select_related("user", "manager__user")}
    sofia = employees["sofia"]
    for username in ("karim", "lena", "mateo", "nora", "oliver"):
        checkins.create_series(
            sofia.user, manager=sofia, employee=employees[username], start=today - datetime.timedelta(weeks=5)
        )
    checkins.schedule_due(today)
    for check_in in CheckIn.objects.filter(manager=sofia, scheduled_for__lt=today).exclude(status=CheckIn.HELD):
        checkins.hold(sofia.user, check_in, mode=CheckIn.FACE_TO_FACE, next_actions="Two discovery calls a week.")
    for manager, ratings in (
        ("priya", {"alex": 3, "bianca": 2, "chen": 2, "dara": 3}),
        ("sofia", {"karim": 3, "nora": 2}),
    ):
        for username, potential in ratings.items():
            succession.rate_potential(employees[manager].user, employees[username], potential)
    positions = {p.code: p for p in Position.objects.filter(code__in=["ENG-MGR", "SALES-MGR"])}
    vacancy = {"ENG-MGR": today + datetime.timedelta(days=150), "SALES-MGR": None}
    for code in ("ENG-MGR", "SALES-MGR"):
        key = succession.mark_key_position(
            hr, positions[code], reason="Leads a revenue-critical team", expected_vacancy=vacancy[code]
        )
        pool = [
            succession.add_candidate(hr, key, Employee.objects.get(pk=s.employee_id))
            for s in succession.suggestions(key, limit=2)
        ]
        if pool:
            succession.set_readiness(hr, pool[0], "one_two_years" if code == "ENG-MGR" else "ready_now")
    for code in ("NW", "TECH", "SALES"):
        health.take_snapshot(OrgUnit.objects.get(code=code), as_of=today - datetime.timedelta(days=30))


LOADERS = [
    load_org,
    load_courses,
    load_competencies,
    load_self_assessment_block,
    load_strategy,
    load_development,
    load_checkin_block,
    load_appraisals,
    load_profiling,  # lane profiling: last, it reads the people, frameworks and courses above
    load_health,  # lane health: last, it reads what the others made
]


@transaction.atomic
def load_demo_data():
    """Run every loader in order (idempotent)."""
    for loader in LOADERS:
        loader()


# --- lane host: four blended competency modules ---------------------------------------------------------------------
#: The blended modules: (course key, title, framework, competency, level the module develops to, transcript,
#: lesson HTML, knowledge-check questions). Each module's course page, in order: a self-assessment before (10), the
#: video introduction (20), the lesson (30), the graded knowledge check (40), [the implementation guide and job aids
#: of lane ``guide`` at 50-59, see :func:`load_module_guides`], the check-in back at work (60), the self-assessment
#: after (70). Pass mark 0.6; the modules offer the ``honor`` mode, so passing learners get a downloadable certificate.
MODULES = [
    (
        "course-v1:Northwind+COACH101+2026",
        "Coaching conversations",
        "leadership",
        "COACH",
        4,
        "coaching.vtt",
        "<p>A coaching conversation helps the other person find their own way forward. Use <strong>GROW</strong>:</p>"
        "<ol><li><strong>Goal</strong>: what do you want from this conversation?</li>"
        "<li><strong>Reality</strong>: what is happening now?</li><li><strong>Options</strong>: what could you do?</li>"
        "<li><strong>Way forward</strong>: what will you do, and by when?</li></ol>"
        "<p>Ask open questions, listen for twice as long as you speak, and leave the decision with them.</p>",
        [
            (
                "Which question opens a coaching conversation best?",
                ["Why did that go wrong?", "What would you like to get out of this?", "Have you tried my approach?"],
                1,
            ),
            ("Who chooses the way forward?", ["The coach", "The person being coached", "Their manager's manager"], 1),
            ("In GROW, what does the R stand for?", ["Results", "Reality", "Responsibility"], 1),
        ],
    ),
    (
        "course-v1:Northwind+FEEDBACK101+2026",
        "Giving feedback",
        "leadership",
        "FEEDBACK",
        4,
        "feedback.vtt",
        "<p>Useful feedback is <strong>specific</strong>, <strong>timely</strong> and about what can change. Use "
        "<strong>SBI</strong>: the <em>Situation</em>, the <em>Behaviour</em> you saw, its <em>Impact</em>.</p>"
        "<p>Then ask for their view and agree together what happens next. Praise in public, correct in private.</p>",
        [
            ("What does the B in SBI stand for?", ["Blame", "Behaviour", "Benefit"], 1),
            ("When is feedback most useful?", ["At the annual review", "Soon after the event", "Only when asked"], 1),
            (
                "Where should corrective feedback be given?",
                ["In the team meeting", "In private", "By email to the team"],
                1,
            ),
        ],
    ),
    (
        "course-v1:Northwind+PLAN101+2026",
        "Planning and scheduling",
        "project-management",
        "PLAN",
        3,
        "planning.vtt",
        "<p>A realistic plan answers four questions: <strong>what</strong> (the tasks), <strong>how long</strong> "
        "(estimates, with the people doing the work), <strong>in which order</strong> (dependencies) and "
        "<strong>who</strong>. Keep a buffer for the unknown and review the plan every week.</p>",
        [
            ("Who should estimate a task?", ["The sponsor", "The people doing the work", "The newest team member"], 1),
            ("What decides the order of tasks?", ["Alphabetical order", "Their dependencies", "Their size"], 1),
            ("How often should a plan be reviewed?", ["Once, at the start", "Every week", "Only when it fails"], 1),
        ],
    ),
    (
        "course-v1:Northwind+STAKE101+2026",
        "Stakeholder management",
        "project-management",
        "STAKE",
        3,
        "stakeholders.vtt",
        "<p>Map your stakeholders on two axes: their <strong>influence</strong> on the work and their "
        "<strong>interest</strong> in it. Manage the high-high ones closely, keep the interested informed, keep the "
        "influential satisfied. Agree how and how often you update each of them -- then keep that promise.</p>",
        [
            (
                "What are the two axes of a stakeholder map?",
                ["Cost and time", "Influence and interest", "Age and role"],
                1,
            ),
            (
                "How do you treat highly influential, highly interested stakeholders?",
                ["Monitor them", "Manage them closely", "Inform them yearly"],
                1,
            ),
            (
                "What keeps stakeholders' trust?",
                ["Updating them as agreed", "Reporting only good news", "Avoiding them"],
                0,
            ),
        ],
    ),
]
MODULE_PASS_MARK = "0.60"
#: Requirements the modules answer (added to the demo's): (position, framework, competency, level, criticality).
MODULE_REQUIREMENTS = [
    ("SALES-MGR", "leadership", "FEEDBACK", 3, "high"),
    ("SUP-LEAD", "leadership", "COACH", 3, "high"),
    ("SUP-LEAD", "leadership", "FEEDBACK", 3, "medium"),
    ("SWE", "project-management", "STAKE", 2, "medium"),
]


def _module_olx(module):
    """The OLX of each block of a module, by order (lane guide adds 50-59)."""
    import json
    from html import escape

    _key, title, framework, code, _level, transcript, lesson, questions = module
    rated = f'framework="{framework}" competencies=\'["{code}"]\''
    sources = "'[\"host_courses/video/intro.webm\"]'"
    captions = f'\'{{"en": "host_courses/video/{transcript}"}}\''
    check = escape(json.dumps([{"prompt": q, "choices": c, "answer": a} for q, c, a in questions]), quote=True)
    return [
        (
            10,
            "Before you start: rate yourself",
            f'<perf_mgmt_self_assessment display_name="Where do you stand?" {rated} mode="before"/>',
        ),
        (
            20,
            "Introduction",
            f'<video display_name="{escape(title)}: introduction" html5_sources={sources} transcripts={captions}/>',
        ),
        (30, "The method", f'<html display_name="{escape(title)}: the method">{escape(lesson)}</html>'),
        (
            40,
            "Knowledge check",
            f'<knowledge_check display_name="Check your understanding" weight="1" questions="{check}"/>',
        ),
        (60, "Back at work: check in", '<perf_mgmt_checkin display_name="Back at work: how is it going?"/>'),
        (
            70,
            "After the module: rate yourself again",
            f'<perf_mgmt_self_assessment display_name="Where do you stand now?" {rated} mode="after"/>',
        ),
    ]


def load_modules():
    """The four blended modules: courses with a pass mark and the honor mode, their blocks, course links, and the
    position requirements they answer (once per block; an edited block is left alone)."""
    from lms_host.courses.models import CourseMode
    from perf_mgmt_plugin.competencies import services as competency_services
    from perf_mgmt_plugin.competencies.models import Competency

    competencies = {(c.framework.slug, c.code): c for c in Competency.objects.select_related("framework")}
    positions = {p.code: p for p in Position.objects.all()}
    jordan = get_user_model().objects.get(username="jordan")
    for module in MODULES:
        key, title, framework, code, level = module[:5]
        course_key = CourseKey.from_string(key)
        course, _created = Course.objects.get_or_create(
            id=course_key, defaults={"display_name": title, "lowest_passing_grade": MODULE_PASS_MARK}
        )
        CourseMode.objects.get_or_create(
            course_id=course_key, mode_slug="honor", defaults={"mode_display_name": "Honor"}
        )
        CourseAccessRole.objects.get_or_create(user=jordan, course_id=course_key, org=course_key.org, role="staff")
        existing = set(CourseBlock.objects.filter(course_id=course_key).values_list("order", flat=True))
        for order, heading, olx in _module_olx(module):
            if order not in existing:
                CourseBlock.objects.create(course_id=course_key, order=order, display_name=heading, olx=olx)
        competency_services.set_course_link(course_key, competencies[(framework, code)], level)
    for position, framework, code, level, criticality in MODULE_REQUIREMENTS:
        competency_services.set_requirement(positions[position], competencies[(framework, code)], level, criticality)


def load_module_guides():
    """The modules' implementation guides (4-6 steps) and two job aids each, at orders 50-59: lane ``guide``'s."""
    from lms_host import demo_guides

    demo_guides.load_module_guides()


#: Learners part-way through the modules: (learner, module, plan owner's assigner, what they did).
#: ``watched``: the video; ``read``: the lesson; a number: their knowledge-check score (of 3).
MODULE_LEARNERS = [
    ("alex", "course-v1:Northwind+PLAN101+2026", "priya", ["watched", "read", 1]),  # failed the check once
    ("priya", "course-v1:Northwind+COACH101+2026", "tomas", ["watched"]),  # just started
    ("marcus", "course-v1:Northwind+FEEDBACK101+2026", "amara", ["watched", "read", 3]),  # passed: item completed
    ("chen", "course-v1:Northwind+STAKE101+2026", "priya", []),  # assigned, not started
]


def _module_progress(user, course_key, steps):
    """What a learner did in a module, through the host's runtime (the same path as their clicks in the course)."""
    from lms_host import xblock_runtime

    runtime = xblock_runtime.HostRuntime(course_key, user)
    blocks = {cb.order: cb for cb in CourseBlock.objects.filter(course_id=course_key)}
    for step in steps:
        if step in ("watched", "read"):
            block = runtime.get_block(xblock_runtime.ensure_parsed(blocks[20 if step == "watched" else 30]))
            runtime.publish(block, "completion", {"completion": 1.0})
            setattr(block, block.completed_field, True)
            block.save()
            continue
        block = runtime.get_block(xblock_runtime.ensure_parsed(blocks[40]))
        right = [q["answer"] for q in block.questions]
        block.answers = {
            f"q{i}": (a if i < step else (a + 1) % len(block.questions[i]["choices"])) for i, a in enumerate(right)
        }
        block.attempts, block.raw_earned = block.attempts + 1, float(step)
        block.save()
        runtime.publish(block, "grade", {"value": float(step), "max_value": block.max_score()})


def load_module_learners():
    """Plans that use the modules, and learners part-way through them (once: skipped when Alex has the item)."""
    from lms_host.courses.backend import HostPlatformBackend
    from perf_mgmt_plugin.competencies.models import CourseCompetencyLink
    from perf_mgmt_plugin.development import services as development
    from perf_mgmt_plugin.development.models import Plan, PlanItem

    if PlanItem.objects.filter(course_key=MODULE_LEARNERS[0][1]).exists():
        return
    employees = {e.user.username: e for e in Employee.objects.select_related("user")}
    titles = {module[0]: module[1] for module in MODULES}
    links = {
        str(link.course_key): link.competency for link in CourseCompetencyLink.objects.select_related("competency")
    }
    for username, key, assigner, steps in MODULE_LEARNERS:
        person, by = employees[username], employees[assigner].user
        plan = Plan.objects.filter(owner=person).exclude(status__in=["archived", "completed"]).first()
        plan = plan or development.create_plan(by, person, title=f"{person.user.first_name}: {titles[key]}")
        development.add_item(by, plan, kind="course", title=titles[key], course_key=key, competency=links.get(key))
        course_key = CourseKey.from_string(key)
        HostPlatformBackend().enroll(person.user, course_key)
        _module_progress(person.user, course_key, steps)


LOADERS.extend([load_modules, load_module_guides, load_module_learners])


# --- lane profiling2: a self-only profile in a course (the self-assessment XBlock's profile mode) -------------------
#: PM201 opens and closes with the self-only profile ``pm-self-check`` (load_profiling): the learner rates its
#: statements before the module and again after it, and the closing block shows the change per competency.
PROFILE_SELF_COURSE = "course-v1:Northwind+PM201+2026"
PROFILE_SELF_BLOCKS = [
    (
        0,
        "Before you start: your project-management self-check",
        '<perf_mgmt_self_assessment display_name="Your project-management self-check" profile="pm-self-check" '
        'mode="before"/>',
    ),
    (
        20,
        "After the module: the self-check again",
        '<perf_mgmt_self_assessment display_name="Your project-management self-check, again" '
        'profile="pm-self-check" mode="after"/>',
    ),
]


def load_profile_self_blocks():
    """PM201's before/after self-check on the ``pm-self-check`` profile (once per block; edited ones left alone)."""
    course_key = CourseKey.from_string(PROFILE_SELF_COURSE)
    existing = set(CourseBlock.objects.filter(course_id=course_key).values_list("order", flat=True))
    for order, heading, olx in PROFILE_SELF_BLOCKS:
        if order not in existing:
            CourseBlock.objects.create(course_id=course_key, order=order, display_name=heading, olx=olx)


LOADERS.append(load_profile_self_blocks)


# --- lane guide: implementation guides, job aids and learners applying them (lms_host/demo_guides.py); last --------
# The guides and job aids come with the modules (load_module_guides above); the learners applying them come last,
# once the modules' own learners are enrolled and part-way through.
from lms_host import demo_guides  # noqa: E402

LOADERS.append(demo_guides.load_guides_and_learners)
