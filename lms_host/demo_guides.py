"""
The demo's implementation guides, job aids and learners applying them (lane guide; issue 13).

For each of the four blended modules (course-v1:Northwind+{COACH101,FEEDBACK101,PLAN101,STAKE101}+2026, built by
``demo.load_modules``): an implementation guide block of 4-6 steps at order 50 of the course page (after the
knowledge check, before the check-in) and two job aids stored in the host's storage. Then some learners part-way
through the guides, written through the plugin's api as their clicks would be -- with observations waiting for
their managers (Priya, the demo's manager, has Alex's and Chen's).

Idempotent: a module whose guide block exists is left alone; learners are seeded once. Modules that do not exist
(a database without them) are skipped.
"""

import json
from html import escape

from django.core.files.base import ContentFile
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseBlock

GUIDE_ORDER = 50


def _step(step_id, title, action, good, reflection, evidence, observe=False):
    return {
        "id": step_id,
        "title": title,
        "action": action,
        "good": good,
        "reflection_prompt": reflection,
        "evidence": evidence,
        "observe": observe,
    }


#: course key -> (framework, competency, level an observed step shows, steps, job aids (file name, title, text)).
GUIDES = {
    "course-v1:Northwind+COACH101+2026": (
        "leadership",
        "COACH",
        3,
        [
            _step(
                "prepare",
                "Prepare one coaching conversation",
                "Pick a report with a real challenge this week. Write down three open questions, one per GROW stage.",
                "Every question starts with what, how or when; none suggests the answer.",
                "Which question was hardest to write without giving advice?",
                "Your three questions.",
            ),
            _step(
                "hold",
                "Hold the conversation with GROW",
                "Run a 20-minute 1:1 on their challenge. Follow Goal, Reality, Options, Way forward; take notes.",
                "They talk at least twice as long as you; they choose the way forward.",
                "What did they decide, and how much did you steer?",
                "The way forward they chose, in their words.",
                observe=True,
            ),
            _step(
                "listen",
                "Listen without fixing",
                "In your next three 1:1s, hold back any solution until they have offered two options of their own.",
                "You summarise what you heard before you speak about it.",
                "When did you feel the urge to fix it, and what did you do instead?",
                "One situation where you waited.",
            ),
            _step(
                "follow-up",
                "Follow up on the way forward",
                "Two weeks later, ask how the agreed step went and what they learned from it.",
                "They describe their progress; you recognise the effort, not only the result.",
                "What changed since the first conversation?",
                "What they did and learned.",
                observe=True,
            ),
            _step(
                "habit",
                "Make coaching a habit",
                "Add one coaching question to every 1:1 agenda for a month.",
                "Your reports bring their own questions to the 1:1s.",
                "Which question do you now use every time?",
                "Your 1:1 agenda template.",
            ),
        ],
        [
            (
                "grow-question-card.txt",
                "GROW question card",
                "GOAL\n- What would you like to get out of this?\n"
                "REALITY\n- What is happening now?\nOPTIONS\n- What could you do?\nWAY FORWARD\n- What will you do, "
                "and by when?\n",
            ),
            (
                "coaching-1-1-agenda.txt",
                "1:1 agenda with a coaching question",
                "1. Their topics first\n2. One coaching question\n3. Agreed next steps and dates\n",
            ),
        ],
    ),
    "course-v1:Northwind+FEEDBACK101+2026": (
        "leadership",
        "FEEDBACK",
        3,
        [
            _step(
                "notice",
                "Notice one behaviour to reinforce",
                "This week, write down one specific thing a team member did well, the day you see it.",
                "Situation, behaviour and impact are each one sentence; no 'always' or 'never'.",
                "Why did this behaviour matter to the team?",
                "Your SBI note.",
            ),
            _step(
                "praise",
                "Give positive feedback with SBI",
                "Share your SBI note with them within 48 hours, in person or in a call.",
                "It is specific, timely, and you ask what helped them do it.",
                "How did they react, and what did you learn about what motivates them?",
                "What you said and how they responded.",
                observe=True,
            ),
            _step(
                "correct",
                "Give corrective feedback in private",
                "Choose one behaviour to change. Prepare SBI, then ask for their view before proposing anything.",
                "Calm tone, facts not judgement; you agree a next step together.",
                "What did their view tell you that you did not know?",
                "The next step you agreed.",
                observe=True,
            ),
            _step(
                "ask",
                "Ask for feedback yourself",
                "Ask two colleagues: 'What is one thing I could do differently in meetings?'",
                "You listen, thank them, and do not justify yourself.",
                "What surprised you?",
                "What you will change.",
            ),
        ],
        [
            (
                "sbi-worksheet.txt",
                "SBI worksheet",
                "SITUATION: when and where?\nBEHAVIOUR: what exactly did you "
                "see or hear?\nIMPACT: what effect did it have?\nTHEIR VIEW: what do they think?\nNEXT STEP:\n",
            ),
            (
                "feedback-checklist.txt",
                "Before-you-speak checklist",
                "[ ] Within 48 hours\n[ ] In private if corrective\n[ ] One behaviour only\n[ ] Ask for their view\n",
            ),
        ],
    ),
    "course-v1:Northwind+PLAN101+2026": (
        "project-management",
        "PLAN",
        3,
        [
            _step(
                "breakdown",
                "Break your next piece of work into tasks",
                "List the tasks of a deliverable due within a month, each small enough to finish in two days.",
                "No task is longer than two days; each has a clear 'done'.",
                "Which task was hardest to split, and why?",
                "Your task list.",
            ),
            _step(
                "estimate",
                "Estimate with the people doing the work",
                "Review the estimates with the colleagues who will do the tasks; record their figures, not yours.",
                "Estimates come from the doers; uncertainties are written down.",
                "Where did their estimate differ from yours?",
                "The estimates and the open questions.",
                observe=True,
            ),
            _step(
                "schedule",
                "Order the tasks by dependency and add a buffer",
                "Draw the dependencies, schedule the tasks and keep 15% of the time as a buffer.",
                "The critical path is visible; the buffer is not spread thin over every task.",
                "What does the critical path tell you?",
                "Your schedule.",
            ),
            _step(
                "review",
                "Review the plan weekly",
                "For four weeks, compare plan and progress every Friday and adjust with the team.",
                "Changes are decided, not discovered; the team knows the plan.",
                "What did the weekly review change?",
                "Your four review notes.",
                observe=True,
            ),
        ],
        [
            (
                "task-breakdown-template.txt",
                "Task breakdown template",
                "Deliverable:\nTask | Owner | Estimate | Depends on | Done when\n",
            ),
            (
                "weekly-plan-review.txt",
                "Weekly plan review questions",
                "1. What finished?\n2. What slipped and "
                "why?\n3. What changes on the critical path?\n4. Who needs to know?\n",
            ),
        ],
    ),
    "course-v1:Northwind+STAKE101+2026": (
        "project-management",
        "STAKE",
        3,
        [
            _step(
                "map",
                "Map your stakeholders",
                "List everyone affected by your current project and place them on the influence/interest grid.",
                "At least one surprising name; each quadrant has a strategy.",
                "Who had you forgotten?",
                "Your stakeholder map.",
            ),
            _step(
                "agree",
                "Agree how you will update the key ones",
                "Meet each high-influence, high-interest stakeholder and agree the channel and rhythm of updates.",
                "They chose the rhythm; it is written down.",
                "What did they want that you did not expect?",
                "The update agreement.",
                observe=True,
            ),
            _step(
                "update",
                "Keep the promise for a month",
                "Send every update you agreed, on time, including the bad news.",
                "No missed update; bad news arrives with a proposal.",
                "How did a difficult update land?",
                "Two of your updates.",
            ),
            _step(
                "review",
                "Review the map",
                "After a month, check whether anyone moved on the grid and adjust your strategy.",
                "The map is current and the team uses it.",
                "Who moved, and why?",
                "The revised map.",
                observe=True,
            ),
        ],
        [
            (
                "stakeholder-grid.txt",
                "Influence/interest grid",
                "HIGH influence + HIGH interest: manage closely\n"
                "HIGH influence + LOW interest: keep satisfied\nLOW influence + HIGH interest: keep informed\n"
                "LOW + LOW: monitor\n",
            ),
            (
                "update-agreement.txt",
                "Update agreement template",
                "Stakeholder:\nWhat they need to know:\nChannel:\nRhythm:\nAgreed on:\n",
            ),
        ],
    ),
}

#: Learners part-way through the guides: (username, course key, [(step id, "planned" | reflection text)]).
#: Steps the guide marks "observe" that are applied wait for the learner's manager.
GUIDE_LEARNERS = [
    (
        "alex",
        "course-v1:Northwind+PLAN101+2026",
        [
            ("breakdown", "Splitting the API migration was hard: the data copy hid three tasks."),
            ("estimate", "Bianca's estimates for the data copy were twice mine; we kept hers."),
            ("schedule", "planned"),
        ],
    ),
    (
        "chen",
        "course-v1:Northwind+STAKE101+2026",
        [
            ("map", "I had forgotten the billing team: they own the invoice format we are changing."),
            ("agree", "Billing wants a short note every Friday; product wants the demo every sprint."),
        ],
    ),
    (
        "priya",
        "course-v1:Northwind+COACH101+2026",
        [
            ("prepare", "Writing the Reality question without hinting at the answer took three tries."),
            ("hold", "Alex chose to pair with Bianca on estimates; I only asked questions."),
        ],
    ),
    (
        "marcus",
        "course-v1:Northwind+FEEDBACK101+2026",
        [
            ("notice", "Paula's follow-up after the demo won the renewal."),
            ("praise", "Told Paula the same day; she said the template helped."),
            ("correct", "planned"),
        ],
    ),
]


def guide_olx(key):
    framework, code, level, steps, _aids = GUIDES[key]
    return (
        '<perf_mgmt_implementation_guide display_name="On the job: apply it step by step" '
        f'framework="{framework}" competency="{code}" evidence_level="{level}" '
        f"steps='{escape(json.dumps(steps), quote=True)}'/>"
    )


def load_module_guides():
    """Each existing module's guide block (order 50) and its two job aids (once)."""
    from perf_mgmt_plugin.blended.models import JobAid

    for key, (_framework, _code, _level, _steps, aids) in GUIDES.items():
        course_key = CourseKey.from_string(key)
        if not Course.objects.filter(id=course_key).exists():
            continue
        if not CourseBlock.objects.filter(
            course_id=course_key, olx__contains="<perf_mgmt_implementation_guide"
        ).exists():
            CourseBlock.objects.create(
                course_id=course_key, order=GUIDE_ORDER, display_name="On the job", olx=guide_olx(key)
            )
        for order, (name, title, text) in enumerate(aids):
            if not JobAid.objects.filter(course_key=course_key, title=title).exists():
                aid = JobAid(course_key=course_key, title=title, order=order)
                aid.file.save(name, ContentFile(text.encode()), save=False)
                aid.save()


def load_guide_learners():
    """Learners part-way through the guides, through the api and the block (once: skipped when Alex has started)."""
    from django.contrib.auth import get_user_model

    from lms_host import xblock_runtime
    from perf_mgmt_plugin import api
    from perf_mgmt_plugin.blended.models import GuideApplication

    if GuideApplication.objects.filter(person__user__username="alex").exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[row[0] for row in GUIDE_LEARNERS])}
    for username, key, steps in GUIDE_LEARNERS:
        course_key = CourseKey.from_string(key)
        course_block = CourseBlock.objects.filter(course_id=course_key, order=GUIDE_ORDER).first()
        if course_block is None or username not in users:
            continue
        runtime = xblock_runtime.HostRuntime(course_key, users[username])
        block = runtime.get_block(xblock_runtime.ensure_parsed(course_block))
        guide = block._guide()  # pylint: disable=protected-access  (the block's own view of its steps)
        for step_id, text in steps:
            if text == "planned":
                api.plan_guide_step(users[username], guide, step_id, _in_days(3))
            else:
                api.apply_guide_step(users[username], guide, step_id, reflection=text)
        states, progress = block._state(block._viewer(), True)  # pylint: disable=protected-access
        block._publish_completion(progress["fraction"])  # pylint: disable=protected-access
        block.save()


def _in_days(days):
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


def load_guides_and_learners():
    """The demo loader's last step: guides and job aids, then learners applying them."""
    load_module_guides()
    load_guide_learners()
