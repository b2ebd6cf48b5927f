"""
Forms of the strategy pages: a new or edited objective, and "Cascade to my team".

They only validate and translate input into the keyword arguments of ``strategy.services`` (which decide and check
everything again): choices are scoped to what the user may use (``strategy.access``), so the lists offer exactly
what the service accepts, and every service refusal is shown on the form as a non-field error.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..openedx import get_backend
from ..openedx.backend import parse_course_key
from ..org.api import Employee, OrgUnit
from ..strategy import api as strategy_api
from ..strategy.api import (
    Level,
    Objective,
    Period,
    assignable_people_q,
    assignable_units_q,
    cascade_people_q,
    cascade_units_q,
)

#: "Cascade to my team" lists at most this many people as checkboxes; larger teams are cascaded by team / unit.
CASCADE_PEOPLE_LIMIT = 500


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = obj.org_unit.name if obj.org_unit_id else ""
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return PersonChoiceField.label_from_instance(self, obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def _people(queryset_q):
    return Employee.objects.filter(queryset_q, active=True).select_related("user", "org_unit").order_by("path")


def _units(queryset_q):
    return OrgUnit.objects.filter(queryset_q, active=True).order_by("path")


class MeasureMixin:
    """Checks shared by both forms: the measure's own fields and the optional course link."""

    def clean_course_key(self):
        value = (self.cleaned_data.get("course_key") or "").strip()
        if not value:
            return ""
        try:
            key = parse_course_key(value)
        except ValueError as exc:
            raise forms.ValidationError(_("This is not a course key (e.g. course-v1:Org+Course+Run).")) from exc
        if get_backend().get_course(key) is None:
            raise forms.ValidationError(_("There is no course with this key."))
        return str(key)

    def _clean_measure(self, data):
        if data.get("measure") == Objective.NUMERIC:
            start, target = data.get("start_value"), data.get("target_value")
            if target is None:
                self.add_error("target_value", _("Give the target of a number measure."))
            elif (start or 0.0) == target:
                self.add_error("target_value", _("The target must differ from the start value."))
        start_date, due_date = data.get("start_date"), data.get("due_date")
        if start_date and due_date and due_date < start_date:
            self.add_error("due_date", _("The due date cannot be before the start date."))


class ObjectiveForm(MeasureMixin, forms.Form):
    """
    A new objective (a child of ``parent``, or a root) or an edit of ``instance``; ``copies`` is the number of
    other goals of the instance's bulk-cascade group, offered as "apply this change to the N copies".
    """

    level = forms.ModelChoiceField(label=gettext_lazy("Level"), queryset=Level.objects.none(), empty_label=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Simple formatting (bold, lists, links) is kept; anything else is removed."),
    )
    owner = PersonChoiceField(
        label=gettext_lazy("Owner: a person"),
        queryset=Employee.objects.none(),
        required=False,
        empty_label=gettext_lazy("(no person)"),
    )
    owner_unit = UnitChoiceField(
        label=gettext_lazy("or an org unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("(no org unit)"),
    )
    period = forms.ModelChoiceField(label=gettext_lazy("Period"), queryset=Period.objects.none(), empty_label=None)
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the start of the period (or of what it serves)."),
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the end of the period (or the due date of what it serves)."),
    )
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=Objective.MEASURE_CHOICES)
    start_value = forms.FloatField(label=gettext_lazy("Start value"), required=False, initial=0)
    target_value = forms.FloatField(label=gettext_lazy("Target value"), required=False, initial=100)
    unit = forms.CharField(
        label=gettext_lazy("Unit"), required=False, max_length=32, help_text=gettext_lazy("For a number measure.")
    )
    milestones = forms.CharField(
        label=gettext_lazy("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For a milestones measure: one milestone per line."),
    )
    weight = forms.FloatField(
        label=gettext_lazy("Weight"),
        min_value=0,
        initial=1,
        help_text=gettext_lazy("How much it counts in the progress of what it serves."),
    )
    course_key = forms.CharField(
        label=gettext_lazy("Course (optional)"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("A course that supports it, e.g. course-v1:Org+Course+Run."),
    )
    apply_to_copies = forms.BooleanField(required=False)
    #: The version of the objective the form was rendered with (ADR 0016): a newer one means someone else saved.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, user, *args, parent=None, instance=None, copies=0, **kwargs):
        self.parent, self.instance, self.copies = parent, instance, copies
        if instance is not None:
            kwargs.setdefault("initial", {})["version"] = instance.version
            kwargs["initial"].update(
                {
                    name: getattr(instance, name)
                    for name in (
                        "level",
                        "title",
                        "description",
                        "owner",
                        "owner_unit",
                        "period",
                        "start_date",
                        "due_date",
                        "measure",
                        "start_value",
                        "target_value",
                        "unit",
                        "weight",
                        "course_key",
                    )
                }
            )
        elif parent is not None:
            kwargs.setdefault("initial", {}).update(
                {"period": parent.period, "measure": Objective.BINARY, "level": strategy_api.level_below(parent.level)}
            )
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["level"].queryset = Level.objects.filter(active=True).order_by("rank")
        fields["owner"].queryset = _people(assignable_people_q(user))
        fields["owner_unit"].queryset = _units(assignable_units_q(user))
        fields["period"].queryset = Period.objects.filter(active=True)
        if parent is not None or instance is not None:
            # Children live in the period of what they serve; an objective keeps its period.
            fields["period"].disabled = True
            fields["period"].help_text = _("The period of the objective it serves.")
        if instance is None:
            del fields["version"]
        else:
            del fields["milestones"]
            fields["due_date"].required = True
            fields["due_date"].help_text = ""
            fields["start_date"].required = True
            fields["start_date"].help_text = ""
        if instance is None or not copies:
            del fields["apply_to_copies"]
        else:
            fields["apply_to_copies"].label = _("Apply this change to the %(count)s copies") % {"count": copies}
            fields["apply_to_copies"].help_text = _(
                "The title, description, dates, measure, weight and course of every goal cascaded with this one."
            )
        if instance is None and parent is None:
            fields["level"].initial = fields["level"].queryset.first()

    def clean(self):
        data = super().clean()
        if bool(data.get("owner")) == bool(data.get("owner_unit")):
            self.add_error("owner", _("Choose a person or an org unit (one of them)."))
        self._clean_measure(data)
        measure = data.get("measure")
        if "milestones" in self.fields:
            lines = [line.strip() for line in (data.get("milestones") or "").splitlines() if line.strip()]
            data["milestones"] = lines
            if measure == Objective.MILESTONES and not lines:
                self.add_error("milestones", _("Give at least one milestone (one per line)."))
        elif self.instance is not None and measure == Objective.MILESTONES != self.instance.measure:
            self.add_error("measure", _("Milestones are set when an objective is created; create a new one."))
        return data

    def _values(self):
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("level", "title", "description", "owner", "owner_unit", "measure", "weight", "course_key")
        }
        values["unit"] = data.get("unit") or ""
        values["start_value"] = data["start_value"] if data.get("start_value") is not None else 0.0
        values["target_value"] = data["target_value"] if data.get("target_value") is not None else 100.0
        for name in ("start_date", "due_date"):
            if data.get(name):
                values[name] = data[name]
        return values

    def create_kwargs(self):
        """Keyword arguments of ``strategy_api.create_objective``."""
        values = self._values()
        values["period"] = self.parent.period if self.parent is not None else self.cleaned_data["period"]
        values["parent"] = self.parent
        if values["measure"] == Objective.MILESTONES:
            values["milestones"] = self.cleaned_data["milestones"]
        return values

    def changes(self):
        """The changed fields, as keyword arguments of ``strategy_api.edit_objective``."""
        instance = self.instance
        changes = {name: value for name, value in self._values().items() if getattr(instance, name) != value}
        return changes

    def saved_now(self, current):
        """
        After a conflict: ``(label, value saved now)`` of each field whose saved value differs from the user's
        input, and the form set to the saved version (submitting again replaces theirs, knowingly).
        """
        rows = [
            (self.fields[name].label, getattr(current, name))
            for name, value in self._values().items()
            if getattr(current, name) != value
        ]
        self.data = self.data.copy()
        self.data["version"] = current.version
        return rows


class CascadeForm(MeasureMixin, forms.Form):
    """ "Cascade to my team": one goal for each chosen person, or for everyone in one team / org unit."""

    title = forms.CharField(label=gettext_lazy("Title of the goal"), max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    people = PeopleField(
        label=gettext_lazy("People"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    org_unit = UnitChoiceField(
        label=gettext_lazy("or everyone in a team / org unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("(choose people above instead)"),
        help_text=gettext_lazy("Everyone in the unit and the units below it."),
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the due date of the objective it serves."),
    )
    measure = forms.ChoiceField(
        label=gettext_lazy("Measure"),
        choices=[(k, v) for k, v in Objective.MEASURE_CHOICES if k in (Objective.BINARY, Objective.NUMERIC)],
        initial=Objective.BINARY,
    )
    start_value = forms.FloatField(label=gettext_lazy("Start value"), required=False, initial=0)
    target_value = forms.FloatField(label=gettext_lazy("Target value"), required=False, initial=100)
    unit = forms.CharField(
        label=gettext_lazy("Unit"), required=False, max_length=32, help_text=gettext_lazy("For a number measure.")
    )
    weight = forms.FloatField(label=gettext_lazy("Weight"), min_value=0, initial=1)
    course_key = forms.CharField(label=gettext_lazy("Course (optional)"), required=False, max_length=255)

    def __init__(self, user, parent, *args, **kwargs):
        self.parent = parent
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people(cascade_people_q(user))
        self.fields["org_unit"].queryset = _units(cascade_units_q(user))

    def people_choices(self):
        """The checkboxes to render (capped: a larger population is cascaded by team)."""
        return list(self["people"])[:CASCADE_PEOPLE_LIMIT]

    def clean(self):
        data = super().clean()
        if bool(data.get("people")) == bool(data.get("org_unit")):
            self.add_error("people", _("Choose the people, or one team / org unit (not both)."))
        self._clean_measure({**data, "start_date": self.parent.start_date})
        return data

    def cascade_kwargs(self):
        """Keyword arguments of ``strategy_api.cascade_goal``."""
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "description": data["description"],
            "measure": data["measure"],
            "weight": data["weight"],
            "course_key": data["course_key"],
            "unit": data.get("unit") or "",
            "start_value": data["start_value"] if data.get("start_value") is not None else 0.0,
            "target_value": data["target_value"] if data.get("target_value") is not None else 100.0,
            "owners": list(data["people"]) if data.get("people") else None,
            "org_unit": data.get("org_unit"),
        }
        if data.get("due_date"):
            values["due_date"] = data["due_date"]
        return values
