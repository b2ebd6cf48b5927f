"""
Forms of the appraisal pages: a new review cycle (from a template, with deadlines suggested for its cadence), an
interim note, a follow-up action, the meeting, the sign-off, the process survey.

They only validate the shape of the input and translate it into the keyword arguments of the appraisal functions,
which decide and check everything again (permissions, stages, scales, sanitising); every ``AppraisalError`` is
shown on the form as a non-field error. The ratings of a review are not a Django form: their fields depend on the
review's items (``ratings_from_post``).
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..appraisals import api as appraisals_api
from ..appraisals.api import Cycle, FollowUpAction, InterimNote, Review, ReviewTemplate
from ..org import api as org_api
from ..org.api import OrgUnit, Position
from ..strategy.api import Period

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class NamedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "display_name", None) or getattr(obj, "title", None) or getattr(obj, "name", str(obj))


class CycleForm(forms.Form):
    """A new cycle: name, template, cadence, dates (suggested from the cadence and start), scoring, population."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    template = forms.ModelChoiceField(
        label=gettext_lazy("Template"), queryset=ReviewTemplate.objects.none(), empty_label=None
    )
    cadence = forms.ChoiceField(label=gettext_lazy("Cadence"), choices=Cycle.CADENCE_CHOICES, initial=Cycle.YEARLY)
    period = forms.ModelChoiceField(
        label=gettext_lazy("Strategy period"),
        queryset=Period.objects.none(),
        required=False,
        empty_label=gettext_lazy("(by the cycle's dates)"),
        help_text=gettext_lazy("Whose objectives become the key result areas."),
    )
    start = forms.DateField(label=gettext_lazy("Start of the period under review"), **DATE)
    end = forms.DateField(label=gettext_lazy("End of the period under review"), required=False, **DATE)
    self_review_due = forms.DateField(label=gettext_lazy("Self review due"), required=False, **DATE)
    manager_review_due = forms.DateField(label=gettext_lazy("Manager review due"), required=False, **DATE)
    meeting_due = forms.DateField(label=gettext_lazy("Meeting due"), required=False, **DATE)
    sign_off_due = forms.DateField(label=gettext_lazy("Sign-off due"), required=False, **DATE)
    scored = forms.BooleanField(label=gettext_lazy("Show an overall score"), required=False, initial=True)
    units = NamedChoiceField(
        label=gettext_lazy("Org units (with their sub-units)"), queryset=OrgUnit.objects.none(), required=False
    )
    positions = NamedChoiceField(label=gettext_lazy("Positions"), queryset=Position.objects.none(), required=False)
    people = forms.CharField(
        label=gettext_lazy("Named people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Usernames, emails or employee numbers, one per line or separated by commas."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ReviewTemplate.objects.filter(active=True)
        self.fields["period"].queryset = Period.objects.filter(active=True)
        self.fields["units"].queryset = OrgUnit.objects.filter(active=True).order_by("path")
        self.fields["positions"].queryset = Position.objects.filter(active=True).order_by("title")

    MULTIPLE = ("units", "positions")

    def clean_people(self):
        """
        The active people named (one query, however many are pasted); every name that matches nobody is reported,
        so a typo never silently leaves someone out of the cycle.
        """
        names = [name.strip() for name in re.split(r"[\s,;]+", self.cleaned_data.get("people") or "") if name.strip()]
        found, unknown = org_api.find_people(names)
        if unknown:
            raise forms.ValidationError(
                _("Nobody active is called: %(names)s.") % {"names": ", ".join(sorted(set(unknown)))}
            )
        return found

    def suggested(self):
        """
        The posted values as the initial values of a new form, with the dates from ``cycles.suggested_dates`` for
        the cadence, start (and end, when given); ``None`` when the start is missing or invalid.
        """
        data = self.data
        try:
            start = forms.DateField().clean(data.get("start"))
            end = forms.DateField(required=False).clean(data.get("end")) or None
            dates = appraisals_api.suggested_dates(data.get("cadence") or Cycle.YEARLY, start, end)
        except (forms.ValidationError, ValueError):
            return None
        initial = {name: data.getlist(name) if name in self.MULTIPLE else data.get(name) for name in data}
        initial.update(dates)
        initial["scored"] = data.get("scored") == "on"
        return initial

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:  # the domain's rule, shown at the field
                appraisals_api.check_population(data.get("units"), data.get("positions"), data.get("people"))
            except appraisals_api.AppraisalError as exc:
                self.add_error("units", str(exc))
        return data

    def create_kwargs(self):
        """Keyword arguments of ``appraisals_api.create_cycle``; empty dates take the suggested ones."""
        data = dict(self.cleaned_data)
        suggested = appraisals_api.suggested_dates(data["cadence"], data["start"], data.get("end"))
        for name in appraisals_api.DATE_FIELDS:
            data[name] = data.get(name) or suggested[name]
        return data


class NoteForm(forms.Form):
    """An interim note: tag, text, private or shared."""

    body = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=10000)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), choices=InterimNote.TAG_CHOICES, initial=InterimNote.OBSERVATION)
    private = forms.BooleanField(label=gettext_lazy("Private (only I will see it)"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NoteEditForm(NoteForm):
    """A change to one's own note, with the version it was read at (ADR 0016)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def saved_now(self, note):
        """After a conflict: the note as saved now, and the form set to its version (saving again replaces it)."""
        self.data = self.data.copy()
        self.data["version"] = note.version
        return note


class ActionForm(forms.Form):
    """A follow-up action of a review."""

    title = forms.CharField(label=gettext_lazy("Action"), max_length=255)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FollowUpAction.KIND_CHOICES)
    due_date = forms.DateField(label=gettext_lazy("Due date"), **DATE)
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)

    def __init__(self, review, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        owners = [(str(review.employee_id), review.employee.display_name)]
        if review.manager_id:
            owners.append((str(review.manager_id), review.manager.display_name))
        self.fields["owner"].choices = owners
        self.owners = {review.employee_id: review.employee, review.manager_id: review.manager}

    def action_kwargs(self):
        data = self.cleaned_data
        owner = self.owners.get(int(data["owner"])) if data.get("owner") else None
        return {"title": data["title"], "kind": data["kind"], "due_date": data["due_date"], "owner": owner}


class MeetingForm(forms.Form):
    """The review meeting: when, and in person or by video with cameras on."""

    at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    mode = forms.ChoiceField(label=gettext_lazy("How"), choices=Review.MEETING_MODE_CHOICES)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignOffForm(forms.Form):
    """Signing a review: a comment, and for the employee whether they disagree and why."""

    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    disagrees = forms.BooleanField(label=gettext_lazy("I disagree with this review"), required=False)
    disagreement = forms.CharField(
        label=gettext_lazy("What I disagree with"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, employee=True, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not employee:
            del self.fields["disagrees"], self.fields["disagreement"]

    def clean(self):
        data = super().clean()
        if data.get("disagrees") and not (data.get("disagreement") or "").strip():
            self.add_error("disagreement", _("Say what you disagree with."))
        return data


RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]


class SurveyForm(forms.Form):
    """The process survey: clarity, usefulness, fairness, the meeting (1-5) and free text."""

    clarity = forms.TypedChoiceField(
        label=gettext_lazy("How clear was the process?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    usefulness = forms.TypedChoiceField(
        label=gettext_lazy("How useful was it?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    fairness = forms.TypedChoiceField(
        label=gettext_lazy("How fair was it?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    meeting = forms.TypedChoiceField(
        label=gettext_lazy("How good was the meeting?"),
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything else? (anonymous)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def ratings_from_post(post, items, side):
    """
    The ``items`` argument of ``save_self_review`` / ``save_manager_review`` from the posted fields
    ``item-<pk>-rating`` and ``item-<pk>-comment`` of the review's items (``side`` only names the form). A rating
    that is not a number is passed as given, so the domain refuses it with its own message.
    """
    result = {}
    for item in items:
        prefix = f"{side}-{item.pk}-"
        if prefix + "rating" not in post and prefix + "comment" not in post:
            continue
        raw = (post.get(prefix + "rating") or "").strip()
        rating = int(raw) if raw.isdigit() else (raw or None)
        result[item.pk] = {"rating": rating, "comment": post.get(prefix + "comment", "")}
    return result


def default_meeting_time():
    """Tomorrow at ten, local time: a sensible value to start from in the meeting form."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time(10, 0))
