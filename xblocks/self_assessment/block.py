"""
The self-assessment XBlock: learners rate themselves on competencies of a framework inside a course.

What lives here is presentation only. Every decision -- who may save, which levels exist, what the current level
and the gap are, what staff may see and which groups are too small to show -- is made by ``perf_mgmt_plugin.api``
(the only part of the plugin an XBlock may import, checked by import-linter), imported lazily inside methods as
the LMS loads XBlock classes before Django apps are ready.

The runtime gives the block its user (the ``user`` service's ``edx-platform.*`` attributes, as the LMS sets them)
and its course (``scope_ids.usage_id.context_key``). Competencies are named by framework slug and code, not by
database id, so a course exported as OLX and imported into another instance with the same framework still works.
"""

import logging

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Boolean, Dict, List, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.validation import ValidationMessage

from xblocks.common.base import PerfMgmtXBlock, Viewer, _
from xblocks.common.base import api as _api

log = logging.getLogger(__name__)
loader = ResourceLoader(__name__)

MODES = ("single", "before", "after")
#: Longest evidence text kept per competency (the rest is refused rather than silently cut).
MAX_EVIDENCE = 5000


class SelfAssessmentXBlock(PerfMgmtXBlock):
    """Self-assessment on the competencies of one framework, once or before/after a module of the course."""

    display_name = String(
        display_name=_("Display name"),
        help=_("The name of this component, shown to learners."),
        scope=Scope.settings,
        default=_("Competency self-assessment"),
    )
    framework = String(
        display_name=_("Competency framework"),
        help=_("Slug of the framework whose competencies are assessed."),
        scope=Scope.settings,
        default="",
    )
    competencies = List(
        display_name=_("Competencies"),
        help=_("Codes of the framework's competencies that learners rate, in order."),
        scope=Scope.settings,
        default=[],
    )
    mode = String(
        display_name=_("Mode"),
        help=_(
            "single: one self-assessment; before / after: placed at the start and at the end of a module, so staff "
            "see the change."
        ),
        scope=Scope.settings,
        values=[
            {"display_name": _("Single"), "value": "single"},
            {"display_name": _("Before the module"), "value": "before"},
            {"display_name": _("After the module"), "value": "after"},
        ],
        default="single",
    )
    prompt = String(
        display_name=_("Prompt"),
        help=_("What learners are asked, shown above the competencies."),
        scope=Scope.settings,
        multiline_editor=True,
        default=_("Where are you today? Choose the level that describes what you do now, not what you aim for."),
    )
    allow_evidence = Boolean(
        display_name=_("Allow evidence"),
        help=_("Let learners add an example that backs up their rating."),
        scope=Scope.settings,
        default=True,
    )
    profile = String(
        display_name=_("Self-only profile"),
        help=_(
            "Short name (slug) of an active self-only profile: learners rate its statements instead of the "
            "framework's competencies. Leave empty to use the framework and competencies above."
        ),
        scope=Scope.settings,
        default="",
    )
    #: The learner's latest levels in this block, ``{code: level}`` (the record of truth is the plugin's
    #: append-only assessment history; this is only what the form shows and what completion is judged on).
    rated = Dict(scope=Scope.user_state, default={})

    editable_fields = ("display_name", "framework", "competencies", "mode", "prompt", "allow_evidence", "profile")
    loader = loader
    has_author_view = True
    has_custom_completion = True
    show_in_read_only_mode = True
    icon_class = "problem"

    # ------------------------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------------------------

    @property
    def phase(self):
        return "" if self.mode == "single" else self.mode

    def _competency_records(self):
        return _api().get_competencies_by_codes(self.framework, self.competencies)

    def _phase_label(self):
        return {
            "before": self._("Before the module"),
            "after": self._("After the module"),
        }.get(self.phase, "")

    def _items(self, records, rated=None):
        """
        What the templates and the mobile view show per competency: the competency, its levels, the choice (from
        ``rated``, the learner's levels by default; ``{}`` where no learner may be read).
        """
        rated = self.rated if rated is None else rated
        scales = _api().get_scales_for([record.id for record in records])
        items = []
        for record in records:
            scale = scales.get(record.id)
            levels = scale.levels if scale else ()
            items.append({"competency": record, "levels": levels, "selected": rated.get(record.code)})
        return items

    def _level_name(self, items, competency_id, value):
        if value is None:
            return ""
        for item in items:
            if item["competency"].id == competency_id:
                for level in item["levels"]:
                    if level.value == round(value):
                        return level.name
        return ""

    def _result_html(self, user, items):
        """The learner's result: own rating against the position's requirement, with suggested courses."""
        results = _api().get_self_result(user, [item["competency"].id for item in items])
        rows = [
            {
                "result": result,
                "self_name": self._level_name(items, result.competency_id, result.self_level),
                "required_name": self._level_name(items, result.competency_id, result.required_level),
                "current_display": None if result.current_level is None else f"{result.current_level:g}",
            }
            for result in results
        ]
        return self._render("templates/result.html", {"rows": rows})

    def _report(self, viewer, records):
        """The staff report (``None`` when this viewer may not see it or the block is not in a course)."""
        api = _api()
        if not viewer.is_real or self.course_key is None:
            return None
        try:
            return api.course_self_assessment_report(viewer.user, self.course_key, [r.id for r in records])
        except api.AccessDenied:
            return None

    def _report_context(self, report, records):
        names = {record.id: record.name for record in records}
        phase_names = {"": self._("Self-assessment"), "before": self._("Before"), "after": self._("After")}
        return {
            "competencies": [
                {
                    "name": names[entry.competency_id],
                    "change": entry.change,
                    "phases": [
                        {"label": phase_names[dist.phase], "dist": dist, "total": dist.people} for dist in entry.phases
                    ],
                }
                for entry in report
            ],
            "min_group": _api().anonymity_min_group(),
        }

    def _state(self, viewer):
        """``(can_submit, notice)`` for ``viewer``: who may rate, and what anyone else is told instead."""
        if viewer.masquerading and viewer.is_real:
            return False, self._masquerade_notice()
        if not viewer.is_real:
            return False, self._("Preview: sign in as a learner to rate yourself. Nothing is saved here.")
        if _api().get_employee(viewer.user) is None:
            return False, self._(
                "Your account has no employee record, so a self-assessment cannot be saved for you. You can still "
                "read the levels below; ask your HR team to add you."
            )
        return True, ""

    def _shows_result(self, viewer, can_submit):
        """The learner's result is shown to them, and read-only to course staff viewing as them."""
        return can_submit or (viewer.masquerading and viewer.is_real and _api().get_employee(viewer.user) is not None)

    # ------------------------------------------------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The competencies with their descriptive levels as radio groups, the result once rated, staff figures."""
        viewer = self._viewer()
        return self._view(viewer, preview=False)

    def author_view(self, context=None):
        """Studio's preview: the form read-only, with what is missing from the configuration."""
        return self._view(Viewer(), preview=True)

    def _view(self, viewer, preview):
        if self.profile:
            return self._profile_view(viewer, preview)
        records = self._competency_records()
        items = self._items(records)
        can_submit, notice = self._state(viewer)
        result_html = ""
        if self.rated and self._shows_result(viewer, can_submit):
            result_html = self._result_html(viewer.user, items)
        report = self._report(viewer, records) if viewer.is_staff and records else None
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "prompt": self.prompt,
            "phase_label": self._phase_label(),
            "items": items,
            "readonly": not can_submit,
            "notice": notice,
            "allow_evidence": self.allow_evidence,
            "result_html": result_html,
            "not_configured": not records,
            "validation": self._validation_texts() if preview else [],
            "staff_html": self._render("templates/staff.html", self._report_context(report, records))
            if report is not None
            else "",
        }
        return self._fragment(
            self._render("templates/student.html", context),
            "static/css/self_assessment.css",
            "static/js/self_assessment.js",
            "PerfMgmtSelfAssessment",
            {
                "messages": {
                    "choose": self._("Choose a level for at least one competency."),
                    "saving": self._("Saving…"),
                    "failed": self._("Your self-assessment could not be saved. Try again."),
                }
            },
        )

    # ------------------------------------------------------------------------------------------------------------
    # Profile mode: the statements of a self-only profile (lane profiling2)
    # ------------------------------------------------------------------------------------------------------------

    def _self_profile(self):
        return _api().get_self_profile(self.profile) if self.profile else None

    @staticmethod
    def _statement_key(statement_id):
        return f"i{statement_id}"

    def _profile_items(self, profile, rated=None):
        """Per competency of ``profile``: its levels and its statements, each with the learner's choice."""
        rated = self.rated if rated is None else rated
        if profile is None:
            return []
        return [
            {
                "competency": competency,
                "levels": competency.levels,
                "statements": [
                    {
                        "id": s.id,
                        "key": self._statement_key(s.id),
                        "text": s.text,
                        "selected": rated.get(self._statement_key(s.id)),
                    }
                    for s in competency.statements
                ],
            }
            for competency in profile.competencies
        ]

    def _profile_result_html(self, user, profile):
        """The learner's levels per competency in this course, before and after the module, and the change."""
        if profile is None or user is None:
            return ""
        changes = {
            c.competency_id: c
            for c in _api().self_profile_change(user, self.course_key, [c.id for c in profile.competencies])
        }
        rows = []
        for competency in profile.competencies:
            names = {level.value: level.name for level in competency.levels}
            change = changes.get(competency.id)
            rows.append(
                {
                    "name": competency.name,
                    "before": change.before if change else None,
                    "before_name": names.get(change.before, "") if change else "",
                    "after": change.after if change else None,
                    "after_name": names.get(change.after, "") if change else "",
                    "change": change.change if change else None,
                }
            )
        return self._render("templates/profile_result.html", {"rows": rows, "phase": self.phase})

    def _profile_view(self, viewer, preview):
        profile = self._self_profile()
        items = self._profile_items(profile)
        can_submit, notice = self._state(viewer)
        result_html = ""
        if self.rated and self.phase and self._shows_result(viewer, can_submit):
            result_html = self._profile_result_html(viewer.user, profile)
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "prompt": self.prompt,
            "phase_label": self._phase_label(),
            "profile": profile,
            "items": items,
            "readonly": not can_submit,
            "notice": notice,
            "result_html": result_html,
            "not_configured": profile is None,
            "validation": self._validation_texts() if preview else [],
        }
        return self._fragment(
            self._render("templates/profile.html", context),
            "static/css/self_assessment.css",
            "static/js/self_assessment.js",
            "PerfMgmtSelfAssessment",
            {
                "messages": {
                    "choose": self._("Choose a level for at least one statement."),
                    "saving": self._("Saving…"),
                    "failed": self._("Your self-assessment could not be saved. Try again."),
                }
            },
        )

    def _profile_submit(self, data, viewer):
        """``submit`` in profile mode: ``{"ratings": {"i<statement id>": level}}``, saved through the api."""
        api = _api()
        profile = self._self_profile()
        if profile is None:
            raise JsonHandlerError(400, self._("This component's profile is not available."))
        by_key = {self._statement_key(s.id): s.id for c in profile.competencies for s in c.statements}
        levels = self._ratings_by_code(data, by_key, kind="statement")
        try:
            api.record_self_profile(
                viewer.user,
                profile,
                {by_key[key]: level for key, level in levels.items()},
                course_key=self.course_key,
                usage_key=str(self.scope_ids.usage_id),
                phase=self.phase,
            )
        except api.AccessDenied as exc:
            raise JsonHandlerError(403, self._("You may not rate yourself here.")) from exc
        except (api.CompetencyError, api.ProfilingError) as exc:
            raise JsonHandlerError(400, str(exc)) from exc
        self.rated = {**self.rated, **levels}
        completed = bool(by_key) and all(key in self.rated for key in by_key)
        if completed:
            self.runtime.publish(self, "completion", {"completion": 1.0})
        return {
            "saved": len(levels),
            "completed": completed,
            "message": self._("Your self-assessment is saved."),
            "result_html": self._profile_result_html(viewer.user, profile) if self.phase else "",
        }

    def _profile_view_data(self):
        profile = self._self_profile()
        return {
            "profile": self.profile,
            "profile_name": profile.name if profile else "",
            "competencies": [
                {
                    "id": item["competency"].id,
                    "code": item["competency"].code,
                    "name": item["competency"].name,
                    "levels": [
                        {"value": level.value, "name": level.name, "description": level.description}
                        for level in item["levels"]
                    ],
                    "statements": [{"key": st["key"], "text": st["text"]} for st in item["statements"]],
                }
                for item in self._profile_items(profile, rated={})
            ],
        }

    def studio_view(self, context=None):
        """
        The editor: name, framework, the framework's competencies to rate, mode, prompt, evidence -- each control
        with its label and its help text tied to it, in an order a keyboard user can Tab through (the chosen
        framework's competencies come right after the framework's list).
        """
        api = _api()
        frameworks = api.list_frameworks()
        competencies = api.list_competencies()
        profiles = api.list_self_profiles()
        groups = [
            {
                "slug": slug,
                "name": name,
                "competencies": [
                    {"code": c.code, "name": c.name, "checked": slug == self.framework and c.code in self.competencies}
                    for c in competencies
                    if c.framework_slug == slug
                ],
            }
            for slug, name in frameworks
        ]
        context = {
            "block_id": self.dom_id,
            "display_name": self.display_name,
            "framework": self.framework,
            "frameworks": groups,
            "mode": self.mode,
            "modes": [(value["value"], self._(value["display_name"])) for value in self.fields["mode"].values],
            "prompt": self.prompt,
            "allow_evidence": self.allow_evidence,
            "profile": self.profile,
            "profiles": profiles,
            "profile_families": [family for family, _name in profiles],
            "help": self._help_texts(),
        }
        return self._fragment(
            self._render("templates/studio.html", context),
            "static/css/self_assessment.css",
            "static/js/studio.js",
            "PerfMgmtSelfAssessmentStudio",
            {"saved": self._("Saved."), "failed": self._("Not saved.")},
        )

    def student_view_data(self, context=None):
        """
        For the mobile apps (Blocks API): the configuration and the levels, as JSON -- nothing about a learner. The
        Blocks API collects this once per course version, with no learner, and serves it to everyone; each
        learner's state comes from the ``learner_state`` handler.
        """
        if self.profile:
            return {
                "display_name": self.display_name,
                "framework": "",  # the profile names its competencies (same keys in both modes for the apps)
                "mode": self.mode,
                "phase": self.phase,
                "prompt": self.prompt,
                "allow_evidence": False,
                **self._profile_view_data(),
                "learner_state_handler": "learner_state",
            }
        items = self._items(self._competency_records(), rated={})
        return {
            "display_name": self.display_name,
            "framework": self.framework,
            "mode": self.mode,
            "phase": self.phase,
            "prompt": self.prompt,
            "allow_evidence": self.allow_evidence,
            "competencies": [
                {
                    "id": item["competency"].id,
                    "code": item["competency"].code,
                    "name": item["competency"].name,
                    "description": item["competency"].description,
                    "levels": [
                        {
                            "value": level.value,
                            "name": level.name,
                            "description": level.description,
                            "indicators": list(level.indicators),
                        }
                        for level in item["levels"]
                    ],
                }
                for item in items
            ],
            "learner_state_handler": "learner_state",
        }

    @XBlock.json_handler
    def learner_state(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        The signed-in learner's state, for the mobile apps: whether they may rate (and why not), their levels in
        this block and completion. Reads only, so it also answers under masquerade.
        """
        viewer = self._viewer()
        can_submit, notice = self._state(viewer)
        if self.profile:
            keys = [st["key"] for item in self._profile_items(self._self_profile()) for st in item["statements"]]
            completed = bool(keys) and all(key in self.rated for key in keys)
        else:
            completed = self._all_rated(self._items(self._competency_records()))
        return {
            "can_submit": can_submit,
            "message": notice,
            "rated": dict(self.rated),
            "completed": completed,
        }

    # ------------------------------------------------------------------------------------------------------------
    # Handlers
    # ------------------------------------------------------------------------------------------------------------

    def _all_rated(self, items):
        return bool(items) and all(item["competency"].code in self.rated for item in items)

    @XBlock.json_handler
    def submit(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        Save the learner's ratings ``{"ratings": {code: level}, "evidence": {code: text}}`` through the api, all or
        nothing; answer with the result to show. Completion is reported once every competency has a rating.
        """
        api = _api()
        viewer = self._writer()
        if not viewer.is_real:
            raise JsonHandlerError(403, self._("Sign in to rate yourself."))
        if self.profile:
            return self._profile_submit(data, viewer)
        items = self._items(self._competency_records())
        by_code = {item["competency"].code: item["competency"] for item in items}
        levels, ratings = self._clean_ratings(data, by_code)
        try:
            api.record_self_assessments(
                viewer.user,
                ratings,
                course_key=self.course_key,
                usage_key=str(self.scope_ids.usage_id),
                phase=self.phase,
            )
        except api.AccessDenied as exc:
            raise JsonHandlerError(403, self._("You may not rate yourself here.")) from exc
        except api.CompetencyError as exc:  # NoEmployeeRecord, InvalidLevel, unknown competency: said to the user
            raise JsonHandlerError(400, str(exc)) from exc
        self.rated = {**self.rated, **levels}
        completed = self._all_rated(items)
        if completed:
            self.runtime.publish(self, "completion", {"completion": 1.0})
        return {
            "saved": len(ratings),
            "completed": completed,
            "message": self._("Your self-assessment is saved."),
            "result_html": self._result_html(viewer.user, items),
        }

    def _ratings_by_code(self, data, by_code, kind="competency"):
        choose = (
            self._("Choose a level for at least one statement.")
            if kind == "statement"
            else self._("Choose a level for at least one competency.")
        )
        ratings = data.get("ratings") if isinstance(data, dict) else None
        if not isinstance(ratings, dict):
            raise JsonHandlerError(400, choose)
        cleaned = {}
        for code, level in ratings.items():
            if code not in by_code:
                raise JsonHandlerError(400, self._("This component does not assess '%(code)s'.") % {"code": code})
            try:
                cleaned[code] = int(level)
            except (TypeError, ValueError) as exc:
                raise JsonHandlerError(400, self._("'%(level)s' is not a level.") % {"level": level}) from exc
        if not cleaned:
            raise JsonHandlerError(400, choose)
        return cleaned

    def _clean_ratings(self, data, by_code):
        """``({code: level}, [(competency_id, level, evidence)])`` from the request, or a 400 saying what is wrong."""
        levels = self._ratings_by_code(data, by_code)
        evidence = data.get("evidence") or {}
        if not isinstance(evidence, dict):
            raise JsonHandlerError(400, self._("Evidence must be given per competency."))
        ratings = []
        for code, level in levels.items():
            text = str(evidence.get(code) or "").strip() if self.allow_evidence else ""
            if len(text) > MAX_EVIDENCE:
                raise JsonHandlerError(
                    400, self._("Evidence is limited to %(max)s characters.") % {"max": f"{MAX_EVIDENCE:,}"}
                )
            ratings.append((by_code[code].id, level, text))
        return levels, ratings

    @XBlock.json_handler
    def staff_summary(self, data, suffix=""):  # pylint: disable=unused-argument
        """The course's distribution of levels per competency and phase, for course staff only (small groups hidden)."""
        api = _api()
        viewer = self._viewer()
        if not viewer.is_real:
            raise JsonHandlerError(403, self._("Only the course team can see these figures."))
        if self.course_key is None:
            raise JsonHandlerError(400, self._("This component is not part of a course."))
        records = self._competency_records()
        try:
            report = api.course_self_assessment_report(viewer.user, self.course_key, [r.id for r in records])
        except api.AccessDenied as exc:
            raise JsonHandlerError(403, self._("Only the course team can see these figures.")) from exc
        codes = {record.id: record.code for record in records}
        return {
            "min_group": api.anonymity_min_group(),
            "competencies": [
                {
                    "code": codes[entry.competency_id],
                    "change": entry.change,
                    "phases": [
                        {
                            "phase": dist.phase,
                            "hidden": dist.hidden,
                            "people": dist.people,
                            "levels": {str(level): count for level, count in dist.levels},
                            "mean": dist.mean,
                        }
                        for dist in entry.phases
                    ],
                }
                for entry in report
            ],
        }

    def clean_studio_values(self, values):
        """The editor's competency codes without blanks (a list typed by hand may carry some)."""
        if "competencies" in values:
            values["competencies"] = [str(code).strip() for code in values["competencies"] if str(code).strip()]
        return values

    # ------------------------------------------------------------------------------------------------------------
    # Validation and OLX
    # ------------------------------------------------------------------------------------------------------------

    def validate_field_data(self, validation, data):
        """Check ``data`` (this block or the editor's pending values) and add an error message per problem."""
        api = _api()

        def error(text):
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        if data.mode not in MODES:
            error(self._("Choose a mode: single, before or after."))
        if data.profile:
            if data.profile not in {family for family, _name in api.list_self_profiles()}:
                error(self._("There is no active self-only profile '%(slug)s'.") % {"slug": data.profile})
            return  # the profile names the competencies: the framework fields are not used
        if not data.framework:
            error(self._("Choose a competency framework."))
        elif data.framework not in {slug for slug, _name in api.list_frameworks()}:
            error(self._("There is no active framework '%(slug)s'.") % {"slug": data.framework})
            return  # which codes it has cannot be told
        if not data.competencies:
            error(self._("Choose at least one competency for learners to rate."))
        elif data.framework:
            known = {record.code for record in api.get_competencies_by_codes(data.framework, data.competencies)}
            unknown = [code for code in data.competencies if code not in known]
            if unknown:
                error(self._("These competencies are not in the framework: %(codes)s.") % {"codes": ", ".join(unknown)})

    @staticmethod
    def workbench_scenarios():
        """Scenarios of the xblock-sdk workbench (they need the ``leadership`` framework in the database)."""
        return [
            (
                "Competency self-assessment",
                '<perf_mgmt_self_assessment framework="leadership" competencies=\'["COACH", "FEEDBACK"]\'/>',
            ),
            (
                "Competency self-assessment, before and after a module",
                """<vertical_demo>
                    <perf_mgmt_self_assessment framework="leadership" competencies='["COACH"]' mode="before"/>
                    <html_demo><p>The module's content.</p></html_demo>
                    <perf_mgmt_self_assessment framework="leadership" competencies='["COACH"]' mode="after"/>
                </vertical_demo>""",
            ),
        ]
