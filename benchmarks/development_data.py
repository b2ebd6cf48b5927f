"""
Development plans at scale for the learning-loop benchmark and its guard test: an active plan for everyone of a
built organisation (``org_data.build_org``) with course items in a few courses (approved, enrolled) and an
on-the-job item, and a deterministic stream of LMS events about them.

Plans and items are written with ``bulk_create`` (no history rows, no enrollment calls): only for tests and
benchmarks. The events are *sent*, not written: ``send`` goes through the real openedx-events signal
(``PERSISTENT_GRADE_SUMMARY_CHANGED.send_event`` with the real data classes) or saves a real edx-completion
``BlockCompletion`` row (``submit_completion``), so the plugin's receivers do all the work as in the LMS.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseBlock
from perf_mgmt_plugin.development.models import Plan, PlanItem

BATCH_SIZE = 2000
#: Share of grade events in the stream (the rest are block completions).
GRADE_SHARE = 0.4


@dataclass
class BuiltPlans:
    user_ids: list
    course_keys: list
    blocks: int
    plans: int
    items: int


def build_plans(built, *, courses=3, blocks=20, prefix="B", competency_ids=None, target_level=4):
    """
    One active plan per person of ``built`` with ``courses`` course items and one on-the-job item. With
    ``competency_ids``, course item ``n`` develops competency ``competency_ids[n % len]`` to ``target_level`` (a
    completed item then records course evidence and its gap is recomputed, as for items from the gap audit).
    """
    keys = [CourseKey.from_string(f"course-v1:{prefix}Bench+C{n:02d}+2026") for n in range(courses)]
    Course.objects.bulk_create([Course(id=key, display_name=f"Bench course {n}") for n, key in enumerate(keys)])
    CourseBlock.objects.bulk_create(
        [
            CourseBlock(course_id=key, order=n, display_name=f"Unit {n}", olx="<html/>")
            for key in keys
            for n in range(blocks)
        ]
    )
    owners = [built.employee_base + spec.index for spec in built.plan.people]
    today, now = timezone.localdate(), timezone.now()
    plans = Plan.objects.bulk_create(
        [
            Plan(
                owner_id=pk,
                title="Bench plan",
                period_start=today.replace(month=1, day=1),
                period_end=today.replace(month=12, day=31),
                status=Plan.ACTIVE,
                approved_at=now,
            )
            for pk in owners
        ],
        batch_size=BATCH_SIZE,
    )
    if plans and plans[0].pk is None:  # MySQL returns no ids from bulk inserts
        plans = list(Plan.objects.filter(owner_id__in=owners, title="Bench plan"))
    items = []
    for plan in plans:
        for order, key in enumerate(keys):
            items.append(
                PlanItem(
                    plan_id=plan.pk,
                    owner_id=plan.owner_id,
                    order=order,
                    kind="course",
                    title=f"Course {order}",
                    course_key=key,
                    category="education",
                    competency_id=competency_ids[order % len(competency_ids)] if competency_ids else None,
                    target_level=target_level if competency_ids else None,
                    source="manager",
                    status=PlanItem.IN_PROGRESS,
                    enrolled=True,
                    enrollment_at=now - datetime.timedelta(days=30),
                    due_date=today + datetime.timedelta(days=60),
                )
            )
        items.append(
            PlanItem(
                plan_id=plan.pk,
                owner_id=plan.owner_id,
                order=len(keys),
                kind="on_the_job",
                title="Apply it",
                category="experience",
                source="manager",
                status=PlanItem.APPROVED,
            )
        )
    PlanItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
    user_ids = [built.user_base + spec.index for spec in built.plan.people]
    return BuiltPlans(user_ids=user_ids, course_keys=keys, blocks=blocks, plans=len(plans), items=len(items))


def event_stream(built_plans, count, seed=7):
    """``count`` events ``(kind, user_id, course_key, n)``: ``grade`` (n: percent in tenths) or ``completion``
    (n: block number), spread over every person and course."""
    rng = random.Random(seed)
    users, keys = built_plans.user_ids, built_plans.course_keys
    for number in range(count):
        user_id = users[number % len(users)]
        key = keys[rng.randrange(len(keys))]
        if rng.random() < GRADE_SHARE:
            yield ("grade", user_id, key, rng.randrange(1, 11))
        else:
            yield ("completion", user_id, key, rng.randrange(built_plans.blocks))


class Sender:
    """Sends the stream's events through the real openedx-events signal and real BlockCompletion rows."""

    def __init__(self):
        # pylint: disable=import-outside-toplevel
        from completion.models import BlockCompletion
        from openedx_events.learning import signals
        from openedx_events.learning.data import CourseData, PersistentCourseGradeData

        self.completions = BlockCompletion.objects
        self.signal = signals.PERSISTENT_GRADE_SUMMARY_CHANGED
        self.grade_class, self.course_class = PersistentCourseGradeData, CourseData
        self.users = {}
        self.user_model = get_user_model()

    def _user(self, user_id):
        user = self.users.get(user_id)
        if user is None:  # an unsaved instance with its pk is what submit_completion needs (no query)
            user = self.users[user_id] = self.user_model(pk=user_id)
        return user

    def send(self, event):
        kind, user_id, key, n = event
        if kind == "completion":
            self.completions.submit_completion(self._user(user_id), key.make_usage_key("html", f"unit{n}"), 1.0)
            return
        self.signal.send_event(send_robust=False, grade=self.grade(user_id, key, n, timezone.now()))

    def grade(self, user_id, key, n, now):
        """The ``PersistentCourseGradeData`` of a grade event (``n`` tenths; 8 or more passes, stamped ``now``)."""
        return self.grade_class(
            user_id=user_id,
            course=self.course_class(course_key=key),
            course_edited_timestamp=now,
            course_version="bench",
            grading_policy_hash="bench",
            percent_grade=n / 10,
            letter_grade="Pass" if n >= 8 else "",
            passed_timestamp=now if n >= 8 else None,
        )
