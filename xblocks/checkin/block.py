"""
The check-in XBlock: placed in a course (for example after a module's implementation guide), it lets learners
record how they apply the module on the job -- steps done, a short reflection, impediments -- and ask their manager
for help. Each submission is a check-in of the strategy domain, written through ``perf_mgmt_plugin.api``: linked to
the learner's related objective where one exists, its help request routed to their manager's dashboard.

What lives here is presentation only. Who may submit, what is linked to what, where help goes and what staff may
see are decided by the api (the shared base in ``xblocks.common`` gives the user, the course, i18n and the editor's
save). Authors choose the agenda (which sections show) and write the prompts in the Studio editor.
"""

import html

from django.utils.html import strip_tags
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Boolean, List, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.validation import ValidationMessage

from xblocks.common.base import PerfMgmtXBlock, Viewer, _
from xblocks.common.base import api as _api

loader = ResourceLoader(__name__)

#: The agenda's sections, in the order they are shown; each is an argument of ``api.record_course_checkin``.
SECTIONS = ("steps_done", "reflection", "impediments", "help_request")
PROMPT_FIELDS = {
    "steps_done": "steps_prompt",
    "reflection": "reflection_prompt",
    "impediments": "impediments_prompt",
    "help_request": "help_prompt",
}
SECTION_NAMES = {
    "steps_done": _("Steps done"),
    "reflection": _("Reflection"),
    "impediments": _("Impediments"),
    "help_request": _("Request for help"),
}
#: Longest answer kept per section (a longer one is refused rather than silently cut).
MAX_ANSWER = 5000
#: The staff figures, in the order shown, with their labels.
FIGURES = (
    ("check_ins", _("Check-ins")),
    ("learners", _("Learners who checked in")),
    ("with_impediment", _("Check-ins with an impediment")),
    ("with_help_request", _("Check-ins with a request for help")),
    ("open_help_requests", _("Help requests not yet resolved")),
    ("linked_to_objective", _("Check-ins linked to an objective")),
)


def plain(text):
    """Stored answers are sanitised HTML; shown and sent as plain text (the templates escape it again)."""
    return html.unescape(strip_tags(text or ""))


def prompt_field(display_name, help_text, default):
    """The question of one agenda section, set by the course team (one per section, all alike)."""
    return String(display_name=display_name, help=help_text, scope=Scope.settings, default=default)


class CheckInXBlock(PerfMgmtXBlock):
    """An on-the-job check-in with an agenda set by the course team, recorded as a check-in of the learner."""

    display_name = String(
        display_name=_("Display name"),
        help=_("The name of this component, shown to learners."),
        scope=Scope.settings,
        default=_("On-the-job check-in"),
    )
    intro = String(
        display_name=_("Introduction"),
        help=_("Shown above the questions: what this check-in is for."),
        scope=Scope.settings,
        multiline_editor=True,
        default=_("Tell how you are applying this module in your work. Your manager sees your check-ins."),
    )
    agenda = List(
        display_name=_("Agenda"),
        help=_("The sections learners answer: steps done, reflection, impediments, request for help."),
        scope=Scope.settings,
        default=list(SECTIONS),
    )
    steps_prompt = prompt_field(
        _("Prompt for steps done"),
        _("The question of the steps done section."),
        _("Which steps of this module have you put into practice?"),
    )
    reflection_prompt = prompt_field(
        _("Prompt for the reflection"),
        _("The question of the reflection section."),
        _("What did you learn from doing it? What would you do differently?"),
    )
    impediments_prompt = prompt_field(
        _("Prompt for impediments"),
        _("The question of the impediments section."),
        _("Is anything getting in the way?"),
    )
    help_prompt = prompt_field(
        _("Prompt for the request for help"),
        _("The question of the request for help section; the answer goes to the learner's manager."),
        _("What help would you like from your manager?"),
    )
    #: Whether this learner has submitted here (completion is published on the first submission only).
    submitted = Boolean(scope=Scope.user_state, default=False)

    editable_fields = (
        "display_name",
        "intro",
        "agenda",
        "steps_prompt",
        "reflection_prompt",
        "impediments_prompt",
        "help_prompt",
    )
    loader = loader
    has_author_view = True
    has_custom_completion = True
    show_in_read_only_mode = True
    icon_class = "problem"

    # ------------------------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------------------------

    def _sections(self):
        """The agenda's sections as shown: name, label, prompt and the HTML id of the answer."""
        return [
            {
                "name": name,
                "label": self._(SECTION_NAMES[name]),
                "prompt": getattr(self, PROMPT_FIELDS[name]),
                "id": f"pci-{self.dom_id}-{name}",
            }
            for name in SECTIONS
            if name in self.agenda
        ]

    def _learner(self, viewer):
        """
        ``(can_submit, notice, employee)`` for ``viewer``: who may check in, and what anyone else is told instead.
        Course staff viewing as a learner see that learner's line of sight and check-ins, read-only.
        """
        if viewer.masquerading and viewer.is_real and self.course_key is not None:
            return False, self._masquerade_notice(), _api().get_employee(viewer.user)
        if not viewer.is_real:
            return False, self._("Preview: sign in as a learner to check in. Nothing is saved here."), None
        if self.course_key is None:
            return False, self._("This component is not part of a course, so nothing can be saved here."), None
        employee = _api().get_employee(viewer.user)
        if employee is None:
            return (
                False,
                self._(
                    "Your account has no employee record, so a check-in cannot be saved for you. You can still "
                    "read the questions; ask your HR team to add you."
                ),
                None,
            )
        return True, "", employee

    def _line_of_sight(self, viewer):
        """The learner's related objective and what it serves, strategic objective first (empty without one)."""
        api = _api()
        objective = api.related_objective_of(viewer.user, self.course_key)
        return [] if objective is None else api.line_of_sight(objective)

    def _history(self, viewer):
        """The learner's previous check-ins in this course, newest first, as plain data."""
        return [
            {
                "date": check_in.scheduled_for.isoformat(),
                "steps_done": plain(check_in.steps_done),
                "reflection": plain(check_in.reflection),
                "impediments": [plain(item.description) for item in check_in.impediments.all()],
                "help_requests": [
                    {
                        "body": plain(item.body),
                        "resolved": item.resolved_at is not None,
                        "resolution": plain(item.resolution),
                    }
                    for item in check_in.help_requests.all()
                ],
            }
            for check_in in _api().course_checkins_of(viewer.user, self.course_key)
        ]

    def _history_html(self, viewer):
        return self._render("templates/history.html", {"check_ins": self._history(viewer)})

    def _staff_figures(self, viewer):
        """
        The course's check-in figures for its staff, or ``None`` for anyone else. The api releases them in steps of
        at least the anonymity threshold of learners; ``hidden`` until the first step (no check-in, or too few
        learners: counts of so few people, or of one more, would tell who raised what).
        """
        api = _api()
        if not (viewer.is_real and viewer.is_staff) or self.course_key is None:
            return None
        try:
            summary = api.course_checkin_summary(self.course_key, user=viewer.user)
        except api.AccessDenied:
            return None
        min_group = api.anonymity_min_group()
        hidden = summary["learners"] < min_group
        return {
            "min_group": min_group,
            "hidden": hidden,
            "figures": [] if hidden else [(key, self._(label), summary[key]) for key, label in FIGURES],
        }

    # ------------------------------------------------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The line of sight, the agenda as a form, the learner's previous check-ins, and staff figures."""
        return self._view(self._viewer(), preview=False)

    def author_view(self, context=None):
        """Studio's preview: the form read-only, with what is missing from the configuration."""
        return self._view(Viewer(), preview=True)

    def _view(self, viewer, preview):
        can_submit, notice, employee = self._learner(viewer)
        staff = self._staff_figures(viewer)
        manager = employee.manager if employee is not None else None
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "intro": self.intro,
            "sections": self._sections(),
            "readonly": not can_submit,
            "notice": notice,
            "manager_name": manager.display_name if manager is not None else "",
            "line_of_sight": [o.title for o in self._line_of_sight(viewer)] if employee is not None else [],
            "history_html": self._history_html(viewer) if employee is not None else "",
            "validation": self._validation_texts() if preview else [],
            "staff_html": self._render("templates/staff.html", staff) if staff is not None else "",
            "max_answer": MAX_ANSWER,
        }
        return self._fragment(
            self._render("templates/student.html", context),
            "static/css/checkin.css",
            "static/js/checkin.js",
            "PerfMgmtCheckIn",
            {
                "messages": {
                    "empty": self._("Write at least one answer before submitting."),
                    "saving": self._("Saving…"),
                    "failed": self._("Your check-in could not be saved. Try again."),
                }
            },
        )

    def studio_view(self, context=None):
        """
        The editor: name, introduction, then per section whether it is on the agenda and its prompt -- each control
        with its label and its help text tied to it, in an order a keyboard user can Tab through.
        """
        help_texts = self._help_texts()
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "intro": self.intro,
            "sections": [
                {
                    "name": name,
                    "help": help_texts[PROMPT_FIELDS[name]],
                    "label": self._(SECTION_NAMES[name]),
                    "field": PROMPT_FIELDS[name],
                    "prompt": getattr(self, PROMPT_FIELDS[name]),
                    "shown": name in self.agenda,
                }
                for name in SECTIONS
            ],
            "help": help_texts,
        }
        return self._fragment(
            self._render("templates/studio.html", context),
            "static/css/checkin.css",
            "static/js/studio.js",
            "PerfMgmtCheckInStudio",
            {"saved": self._("Saved."), "failed": self._("Not saved.")},
        )

    def student_view_data(self, context=None):
        """
        For the mobile apps (Blocks API): the agenda as the course team set it, as JSON -- nothing about a learner.
        The Blocks API collects this once per course version, with no learner, and serves it to everyone; each
        learner's state comes from the ``learner_state`` handler.
        """
        return {
            "display_name": self.display_name,
            "intro": self.intro,
            "sections": [
                {"name": section["name"], "label": section["label"], "prompt": section["prompt"]}
                for section in self._sections()
            ],
            "max_answer": MAX_ANSWER,
            "learner_state_handler": "learner_state",
        }

    @XBlock.json_handler
    def learner_state(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        The signed-in learner's state, for the mobile apps: whether they may check in (and why not), their line of
        sight, their check-ins in this course and completion. Reads only, so it also answers under masquerade.
        """
        viewer = self._viewer()
        can_submit, notice, employee = self._learner(viewer)
        shown = employee is not None
        return {
            "can_submit": can_submit,
            "message": notice,
            "line_of_sight": [
                {"title": o.title, "level": o.level.name, "status": o.status} for o in self._line_of_sight(viewer)
            ]
            if shown
            else [],
            "check_ins": self._history(viewer) if shown else [],
            "completed": self.submitted,
        }

    # ------------------------------------------------------------------------------------------------------------
    # Handlers
    # ------------------------------------------------------------------------------------------------------------

    @XBlock.json_handler
    def submit(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        Record the learner's answers ``{section: text}`` as a check-in through the api; answer with the message and
        the learner's check-ins to show. Completion is published on the first submission.
        """
        api = _api()
        viewer = self._writer()
        if not viewer.is_real:
            raise JsonHandlerError(403, self._("Sign in to check in."))
        if self.course_key is None:
            raise JsonHandlerError(400, self._("This component is not part of a course."))
        answers = self._clean_answers(data)
        # The form's idempotency key: the same submission sent twice (double click, retry) makes one check-in.
        key = data.get("submission_key") if isinstance(data, dict) else None
        key = key if isinstance(key, str) and 0 < len(key) <= 64 else None
        try:
            api.record_course_checkin(
                viewer.user, self.course_key, str(self.scope_ids.usage_id), request_key=key, **answers
            )
        except api.AccessDenied as exc:
            raise JsonHandlerError(403, self._("You may not check in here.")) from exc
        except api.Busy as exc:
            raise JsonHandlerError(503, str(exc)) from exc
        except (api.StrategyError, api.NoEmployeeRecord) as exc:  # no employee record, nothing written: said as is
            raise JsonHandlerError(400, str(exc)) from exc
        if not self.submitted:
            self.submitted = True
            self.runtime.publish(self, "completion", {"completion": 1.0})
        asked_help = bool(answers.get("help_request", "").strip())
        return {
            "completed": True,
            "message": self._("Your check-in is saved. Your manager has your request for help.")
            if asked_help
            else self._("Your check-in is saved."),
            "history_html": self._history_html(viewer),
        }

    def _clean_answers(self, data):
        """``{section: text}`` for the agenda's sections, or a 400 saying what is wrong."""
        answers = data.get("answers") if isinstance(data, dict) else None
        if not isinstance(answers, dict):
            raise JsonHandlerError(400, self._("Write at least one answer before submitting."))
        cleaned = {}
        for name, text in answers.items():
            if name not in self.agenda or name not in SECTIONS:
                raise JsonHandlerError(400, self._("This check-in does not ask for '%(section)s'.") % {"section": name})
            if text is not None and not isinstance(text, str):
                raise JsonHandlerError(400, self._("Answers must be text."))
            if len(text or "") > MAX_ANSWER:
                raise JsonHandlerError(
                    400, self._("Each answer is limited to %(max)s characters.") % {"max": f"{MAX_ANSWER:,}"}
                )
            cleaned[name] = text or ""
        return cleaned

    @XBlock.json_handler
    def staff_summary(self, data, suffix=""):  # pylint: disable=unused-argument
        """The course's check-in figures, for its staff only (hidden below the anonymity threshold)."""
        viewer = self._viewer()
        if not viewer.is_real:
            raise JsonHandlerError(403, self._("Only the course team can see these figures."))
        if self.course_key is None:
            raise JsonHandlerError(400, self._("This component is not part of a course."))
        # The runtime's staff flag is only a hint (global staff count there); the api decides on the course role.
        figures = self._staff_figures(Viewer(viewer.user, is_staff=True))
        if figures is None:
            raise JsonHandlerError(403, self._("Only the course team can see these figures."))
        return {
            "min_group": figures["min_group"],
            "hidden": figures["hidden"],
            "figures": {key: value for key, _label, value in figures["figures"]},
        }

    def clean_studio_values(self, values):
        """The editor's agenda in the blocks' order, without repeats or blanks."""
        if "agenda" in values:
            chosen = {str(name).strip() for name in values["agenda"]}
            values["agenda"] = [name for name in SECTIONS if name in chosen] + sorted(chosen - set(SECTIONS) - {""})
        return values

    # ------------------------------------------------------------------------------------------------------------
    # Validation and OLX
    # ------------------------------------------------------------------------------------------------------------

    def validate_field_data(self, validation, data):
        """Check ``data`` (this block or the editor's pending values) and add an error message per problem."""

        def error(text):
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        agenda = list(data.agenda or [])
        unknown = [str(name) for name in agenda if name not in SECTIONS]
        if unknown:
            error(self._("These are not sections of a check-in: %(names)s.") % {"names": ", ".join(unknown)})
        if not [name for name in agenda if name in SECTIONS]:
            error(self._("Choose at least one section for the agenda."))
        for name in SECTIONS:
            if name in agenda and not (getattr(data, PROMPT_FIELDS[name]) or "").strip():
                label = self._(SECTION_NAMES[name])
                error(self._("Write the prompt of the section '%(section)s'.") % {"section": label})

    @staticmethod
    def workbench_scenarios():
        """Scenarios of the xblock-sdk workbench (a check-in needs a course, so there it is a read-only preview)."""
        return [
            ("On-the-job check-in", "<perf_mgmt_checkin/>"),
            (
                "On-the-job check-in: steps and a request for help only",
                """<perf_mgmt_checkin agenda='["steps_done", "help_request"]'
                    help_prompt="What would help you apply this module?"/>""",
            ),
        ]
