"""
The implementation guide XBlock: the on-the-job part of a blended competency module (issue 13). The course team
writes the steps -- what to do on the job, what good looks like, a reflection prompt, the evidence asked for, and
whether the manager must observe it -- and names the competency the module develops. The learner comes back over
days: plans a step (a date), applies it, records a reflection and the evidence; a step the manager must observe
waits in the manager's queue ("My team", and an email) until the manager confirms what they saw or gives feedback,
which the learner reads here. Completion grows with the steps done. The module's job aids are listed for download.

What lives here is presentation only: the applications, observations, evidence and rates are the blended domain's,
reached through ``perf_mgmt_plugin.api`` (the shared base in ``xblocks.common`` gives the user, the course, i18n,
masquerade and the editor's save).
"""

import datetime
import re

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Float, Integer, List, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.validation import ValidationMessage

from xblocks.common.base import PerfMgmtXBlock, Viewer, _
from xblocks.common.base import api as _api

loader = ResourceLoader(__name__)

#: What the course team writes per step (``observe`` is a yes/no), in the editor's order.
STEP_TEXTS = ("title", "action", "good", "reflection_prompt", "evidence")
STEP_LABELS = {
    "title": _("Step title"),
    "action": _("What to do on the job"),
    "good": _("What good looks like"),
    "reflection_prompt": _("Reflection prompt"),
    "evidence": _("Evidence asked for"),
    "observe": _("The manager must observe this step"),
}
MAX_STEPS = 12
MAX_STEP_TEXT = 2000
STEP_ID = re.compile(r"^[a-z0-9_-]{1,40}$")
STATUS_TEXTS = {
    "": _("Not started"),
    "planned": _("Planned"),
    "applied": _("Applied"),
    "awaiting": _("Applied: waiting for your manager's observation"),
    "observed": _("Observed by your manager"),
    "feedback": _("Your manager gave feedback: apply it again"),
}


class ImplementationGuideXBlock(PerfMgmtXBlock):
    """Steps to apply a module on the job, planned and applied by the learner and observed by their manager."""

    display_name = String(
        display_name=_("Display name"),
        help=_("The name of this component, shown to learners."),
        scope=Scope.settings,
        default=_("Implementation guide"),
    )
    intro = String(
        display_name=_("Introduction"),
        help=_("Shown above the steps: how to use this guide over the coming days and weeks."),
        scope=Scope.settings,
        multiline_editor=True,
        default=_(
            "Apply what you learned on the job, one step at a time. Plan each step, do it, then record how it went."
        ),
    )
    framework = String(
        display_name=_("Competency framework"),
        help=_("The slug of the framework of the competency this module develops (empty: no competency)."),
        scope=Scope.settings,
        default="",
    )
    competency = String(
        display_name=_("Competency"),
        help=_("The code of the competency this module develops; observed steps become evidence of it."),
        scope=Scope.settings,
        default="",
    )
    evidence_level = Integer(
        display_name=_("Level shown by an observed step"),
        help=_("The level of the competency's scale that a step observed by the manager shows."),
        scope=Scope.settings,
        default=None,
    )
    steps = List(
        display_name=_("Steps"),
        help=_("The steps learners apply on the job, each with what good looks like and the evidence asked for."),
        scope=Scope.settings,
        default=[],
    )
    #: The completion last published for this learner (published again only when it changes).
    published_completion = Float(scope=Scope.user_state, default=0.0)

    editable_fields = ("display_name", "intro", "framework", "competency", "evidence_level", "steps")
    loader = loader
    has_author_view = True
    has_custom_completion = True
    show_in_read_only_mode = True
    icon_class = "problem"

    # ------------------------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------------------------

    def _guide(self):
        api = _api()
        return api.GuideSpec(
            course_key=self.course_key,
            usage_key=str(self.scope_ids.usage_id),
            title=self.display_name,
            steps=tuple(
                api.GuideStep(id=step["id"], title=step.get("title", ""), needs_observation=bool(step.get("observe")))
                for step in self._valid_steps()
            ),
            framework=self.framework,
            competency_code=self.competency,
            evidence_level=self.evidence_level,
        )

    def _valid_steps(self):
        return [step for step in (self.steps or []) if isinstance(step, dict) and step.get("id")]

    def _learner(self, viewer):
        """``(can_write, notice, employee)`` for ``viewer``: who may apply the guide, and what others are told."""
        api = _api()
        if viewer.masquerading and viewer.is_real and self.course_key is not None:
            return False, self._masquerade_notice(), api.get_employee(viewer.user)
        if not viewer.is_real:
            return False, self._("Preview: sign in as a learner to plan and apply these steps. Nothing is saved."), None
        if self.course_key is None:
            return False, self._("This component is not part of a course, so nothing can be saved here."), None
        employee = api.get_employee(viewer.user)
        if employee is None:
            return (
                False,
                self._(
                    "Your account has no employee record, so your application of this guide cannot be saved. You "
                    "can still read the steps; ask your HR team to add you."
                ),
                None,
            )
        return True, "", employee

    @staticmethod
    def _status_key(application):
        if application is None:
            return ""
        if application.status == "applied" and application.needs_observation:
            return "awaiting"
        return application.status

    def _step_states(self, applications):
        """Each authored step with the learner's application of it, as plain data."""
        states = []
        for index, step in enumerate(self._valid_steps(), start=1):
            app = applications.get(step["id"])
            key = self._status_key(app)
            states.append(
                {
                    "id": step["id"],
                    "number": index,
                    "dom": f"pig-{self.dom_id}-{step['id']}",
                    "title": step.get("title", ""),
                    "action": step.get("action", ""),
                    "good": step.get("good", ""),
                    "reflection_prompt": step.get("reflection_prompt", "") or self._("How did it go?"),
                    "evidence": step.get("evidence", ""),
                    "observe": bool(step.get("observe")),
                    "status": key,
                    "status_text": self._(STATUS_TEXTS.get(key, "")),
                    "done": bool(app is not None and app.is_done),
                    "planned_for": app.planned_for.isoformat() if app is not None and app.planned_for else "",
                    "reflection": app.reflection if app is not None else "",
                    "evidence_given": app.evidence if app is not None else "",
                    "manager_comment": app.manager_comment if app is not None else "",
                    "version": app.version if app is not None else 0,
                    "may_plan": key in ("", "planned", "feedback"),
                    "may_apply": key in ("", "planned", "feedback"),
                }
            )
        return states

    def _progress(self, states):
        total = len(states)
        done = sum(1 for state in states if state["done"])
        return {"done": done, "total": total, "fraction": (done / total) if total else 0.0}

    def _job_aids(self):
        if self.course_key is None:
            return []
        api = _api()
        return [
            {"title": aid.title, "description": aid.description, "url": api.job_aid_download_url(aid)}
            for aid in api.job_aids_of([self.course_key]).get(self.course_key, [])
        ]

    def _staff_rates(self, viewer):
        """The step application rates for the course's staff, or ``None`` for anyone else."""
        api = _api()
        if not (viewer.is_real and viewer.is_staff) or self.course_key is None:
            return None
        steps = self._valid_steps()
        try:
            rates = api.guide_step_rates(
                viewer.user, self.course_key, str(self.scope_ids.usage_id), [step["id"] for step in steps]
            )
        except api.AccessDenied:
            return None
        rates["rows"] = [
            {"title": step.get("title", ""), **rates["steps"][step["id"]]} for step in steps if not rates["hidden"]
        ]
        return rates

    def _publish_completion(self, fraction):
        if abs(fraction - (self.published_completion or 0.0)) > 1e-9:
            self.published_completion = fraction
            self.runtime.publish(self, "completion", {"completion": fraction})

    def _steps_html(self, viewer, can_write, states):
        return self._render(
            "templates/steps.html",
            {
                "block_id": self.dom_id,
                "steps": states,
                "readonly": not can_write,
                "progress": self._progress(states),
                "max_text": _api().GUIDE_MAX_TEXT,
            },
        )

    # ------------------------------------------------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The steps with the learner's plans, applications and the manager's feedback; job aids; staff rates."""
        return self._view(self._viewer(), preview=False)

    def author_view(self, context=None):
        """Studio's preview: the steps read-only, with what is missing from the configuration."""
        return self._view(Viewer(), preview=True)

    def _view(self, viewer, preview):
        can_write, notice, employee = self._learner(viewer)
        applications = (
            _api().guide_applications_of(viewer.user, str(self.scope_ids.usage_id)) if employee is not None else {}
        )
        states = self._step_states(applications)
        staff = self._staff_rates(viewer)
        manager = employee.manager if employee is not None else None
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "intro": self.intro,
            "notice": notice,
            "manager_name": manager.display_name if manager is not None else "",
            "validation": self._validation_texts() if preview else [],
            "steps_html": self._steps_html(viewer, can_write, states),
            "job_aids": [] if preview else self._job_aids(),
            "staff_html": self._render("templates/staff.html", staff) if staff is not None else "",
        }
        return self._fragment(
            self._render("templates/student.html", context),
            "static/css/implementation_guide.css",
            "static/js/implementation_guide.js",
            "PerfMgmtImplementationGuide",
            {
                "messages": {
                    "saving": self._("Saving…"),
                    "failed": self._("This could not be saved. Try again."),
                    "no_date": self._("Choose the date you plan to apply this step."),
                    "no_reflection": self._("Write your reflection on how it went."),
                }
            },
        )

    def studio_view(self, context=None):
        """The editor: name, introduction, competency, and each step's texts (plus one empty step to add)."""
        help_texts = self._help_texts()
        blank = {"id": "", "observe": False, **dict.fromkeys(STEP_TEXTS, "")}
        steps = [{**blank, **step} for step in self._valid_steps()] + [blank]
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "intro": self.intro,
            "framework": self.framework,
            "competency": self.competency,
            "evidence_level": "" if self.evidence_level is None else self.evidence_level,
            "help": help_texts,
            "steps": [
                {
                    "index": index,
                    "id": step["id"],
                    "observe": bool(step.get("observe")),
                    "texts": [
                        {"name": name, "label": self._(STEP_LABELS[name]), "value": step.get(name, "")}
                        for name in STEP_TEXTS
                    ],
                    "new": not step["id"],
                }
                for index, step in enumerate(steps)
            ],
            "observe_label": self._(STEP_LABELS["observe"]),
        }
        return self._fragment(
            self._render("templates/studio.html", context),
            "static/css/implementation_guide.css",
            "static/js/studio.js",
            "PerfMgmtImplementationGuideStudio",
            {"saved": self._("Saved."), "failed": self._("Not saved.")},
        )

    def student_view_data(self, context=None):
        """
        For the mobile apps (Blocks API): the guide as the course team wrote it, as JSON -- nothing about a learner
        (the Blocks API collects this once, with no learner). The learner's state comes from ``learner_state``.
        """
        return {
            "display_name": self.display_name,
            "intro": self.intro,
            "framework": self.framework,
            "competency": self.competency,
            "steps": [
                {"id": step["id"], "observe": bool(step.get("observe")), **{n: step.get(n, "") for n in STEP_TEXTS}}
                for step in self._valid_steps()
            ],
            "max_text": _api().GUIDE_MAX_TEXT,
            "learner_state_handler": "learner_state",
        }

    # ------------------------------------------------------------------------------------------------------------
    # Handlers
    # ------------------------------------------------------------------------------------------------------------

    def _state(self, viewer, can_write):
        applications = _api().guide_applications_of(viewer.user, str(self.scope_ids.usage_id)) if can_write else {}
        states = self._step_states(applications)
        return states, self._progress(states)

    @XBlock.json_handler
    def learner_state(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        The signed-in learner's state, for the mobile apps: whether they may write (and why not), each step's
        status, plan, reflection and the manager's feedback, progress and the job aids. Reads only.
        """
        viewer = self._viewer()
        can_write, notice, employee = self._learner(viewer)
        applications = (
            _api().guide_applications_of(viewer.user, str(self.scope_ids.usage_id)) if employee is not None else {}
        )
        states = self._step_states(applications)
        keep = (
            "id",
            "status",
            "status_text",
            "done",
            "planned_for",
            "reflection",
            "evidence_given",
            "manager_comment",
            "version",
        )
        return {
            "can_write": can_write,
            "message": notice,
            "steps": [{key: state[key] for key in keep} for state in states],
            "progress": self._progress(states),
            "job_aids": self._job_aids(),
        }

    def _write(self, data, action):
        api = _api()
        viewer = self._writer()
        if not viewer.is_real:
            raise JsonHandlerError(403, self._("Sign in to apply this guide."))
        if self.course_key is None:
            raise JsonHandlerError(400, self._("This component is not part of a course."))
        if not isinstance(data, dict):
            raise JsonHandlerError(400, self._("The request is not valid."))
        key = data.get("submission_key")
        key = key if isinstance(key, str) and 0 < len(key) <= 64 else ""
        version = data.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise JsonHandlerError(400, self._("The request is not valid."))
        step = data.get("step")
        if not isinstance(step, str):
            raise JsonHandlerError(400, self._("Choose a step of this guide."))
        try:
            action(api, viewer, step, version, key)
        except api.AccessDenied as exc:
            raise JsonHandlerError(403, self._("You may not apply this guide.")) from exc
        except api.EditConflict as exc:
            raise JsonHandlerError(409, str(exc)) from exc
        except api.Busy as exc:
            raise JsonHandlerError(503, str(exc)) from exc
        except (api.BlendedError, api.IdempotencyError) as exc:
            raise JsonHandlerError(400, str(exc)) from exc
        states, progress = self._state(viewer, True)
        self._publish_completion(progress["fraction"])
        return {"progress": progress, "steps_html": self._steps_html(viewer, True, states)}

    @XBlock.json_handler
    def plan(self, data, suffix=""):  # pylint: disable=unused-argument
        """Plan a step: ``{"step", "date": "YYYY-MM-DD" or "", "version", "submission_key"}``."""
        raw = data.get("date") if isinstance(data, dict) else None
        try:
            planned_for = datetime.date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError) as exc:
            raise JsonHandlerError(400, self._("Give the date as YYYY-MM-DD.")) from exc

        def action(api, viewer, step, version, key):
            api.plan_guide_step(viewer.user, self._guide(), step, planned_for, version=version, idempotency_key=key)

        result = self._write(data, action)
        result["message"] = self._("Your plan is saved.")
        return result

    @XBlock.json_handler
    def apply(self, data, suffix=""):  # pylint: disable=unused-argument
        """Record an applied step: ``{"step", "reflection", "evidence", "version", "submission_key"}``."""
        reflection = data.get("reflection") if isinstance(data, dict) else None
        evidence = data.get("evidence") if isinstance(data, dict) else None
        for text in (reflection, evidence):
            if text is not None and not isinstance(text, str):
                raise JsonHandlerError(400, self._("Answers must be text."))
        applied = {}

        def action(api, viewer, step, version, key):
            applied["row"] = api.apply_guide_step(
                viewer.user,
                self._guide(),
                step,
                reflection=reflection or "",
                evidence=evidence or "",
                version=version,
                idempotency_key=key,
            )

        result = self._write(data, action)
        row = applied["row"]
        result["message"] = (
            self._("Saved. Your manager has been asked to observe this step.")
            if row.awaits_observation
            else self._("Saved. This step is done.")
        )
        return result

    @XBlock.json_handler
    def staff_summary(self, data, suffix=""):  # pylint: disable=unused-argument
        """The guide's application rates per step, for the course's staff only (hidden below the minimum)."""
        viewer = self._viewer()
        if not viewer.is_real:
            raise JsonHandlerError(403, self._("Only the course team can see these figures."))
        if self.course_key is None:
            raise JsonHandlerError(400, self._("This component is not part of a course."))
        rates = self._staff_rates(Viewer(viewer.user, is_staff=True))
        if rates is None:
            raise JsonHandlerError(403, self._("Only the course team can see these figures."))
        return {key: rates[key] for key in ("min_group", "hidden", "learners", "steps")}

    # ------------------------------------------------------------------------------------------------------------
    # The editor's values, validation and OLX
    # ------------------------------------------------------------------------------------------------------------

    def clean_studio_values(self, values):
        """The editor's steps: texts stripped, empty steps dropped, every step given a stable unique id."""
        if "steps" in values and isinstance(values["steps"], list):
            cleaned, taken = [], set()
            for raw in values["steps"]:
                if not isinstance(raw, dict):
                    cleaned.append(raw)  # refused by validation with its message
                    continue
                step = {name: str(raw.get(name) or "").strip() for name in STEP_TEXTS}
                step["observe"] = raw.get("observe") in (True, "true", "on", "1", 1)
                if not any(step[name] for name in STEP_TEXTS):
                    continue
                step_id = str(raw.get("id") or "").strip().lower()
                if not step_id or step_id in taken:
                    step_id = next(f"step-{n}" for n in range(1, 10_000) if f"step-{n}" not in taken)
                taken.add(step_id)
                cleaned.append({"id": step_id, **step})
            values["steps"] = cleaned
        for name in ("framework", "competency"):
            if name in values and isinstance(values[name], str):
                values[name] = values[name].strip()
        return values

    def validate_field_data(self, validation, data):
        """Check ``data`` (this block or the editor's pending values) and add an error message per problem."""

        def error(text):
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        steps = data.steps or []
        if not steps:
            error(self._("Write at least one step."))
        if len(steps) > MAX_STEPS:
            error(self._("A guide has at most %(max)s steps.") % {"max": MAX_STEPS})
        seen = set()
        for number, step in enumerate(steps, start=1):
            if not isinstance(step, dict):
                error(self._("Step %(number)s is not valid.") % {"number": number})
                continue
            step_id = str(step.get("id") or "")
            if not STEP_ID.match(step_id) or step_id in seen:
                error(self._("Step %(number)s needs a unique id (letters, digits, - or _).") % {"number": number})
            seen.add(step_id)
            if not str(step.get("title") or "").strip():
                error(self._("Step %(number)s needs a title.") % {"number": number})
            if not str(step.get("action") or "").strip():
                error(self._("Step %(number)s needs what to do on the job.") % {"number": number})
            if any(len(str(step.get(name) or "")) > MAX_STEP_TEXT for name in STEP_TEXTS):
                error(self._("Each text of a step is limited to %(max)s characters.") % {"max": MAX_STEP_TEXT})
        self._validate_competency(data, error)

    def _validate_competency(self, data, error):
        if not (data.framework or data.competency):
            if data.evidence_level is not None:
                error(self._("Choose the competency that the level refers to."))
            return
        api = _api()
        found = api.get_competencies_by_codes(data.framework, [data.competency]) if data.competency else []
        if not found:
            error(
                self._("There is no competency '%(code)s' in the framework '%(framework)s'.")
                % {"code": data.competency, "framework": data.framework}
            )
            return
        scale = api.get_scale_for(found[0].id)
        values = [level.value for level in scale.levels] if scale is not None else []
        if data.evidence_level not in values:
            error(
                self._("Choose the level an observed step shows: one of %(levels)s.")
                % {"levels": ", ".join(str(value) for value in values)}
            )

    @staticmethod
    def workbench_scenarios():
        """Scenarios of the xblock-sdk workbench (a guide needs a course, so there it is a read-only preview)."""
        return [
            (
                "Implementation guide",
                """<perf_mgmt_implementation_guide display_name="Coaching on the job"
                    steps='[{"id": "step-1", "title": "Hold a coaching 1:1", "action": "Ask open questions.",
                    "good": "They find their own answer.", "reflection_prompt": "What did you ask?",
                    "evidence": "Your notes", "observe": true}]'/>""",
            ),
        ]
