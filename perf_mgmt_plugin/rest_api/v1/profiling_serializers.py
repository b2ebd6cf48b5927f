"""Serializers of v1 for the profiling domain (360 feedback)."""

from rest_framework import serializers

from ...profiling.api import Profile, Rater, Round


class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = Profile
        fields = ["id", "family", "number", "name", "kind", "status", "allow_self_request"]


class RoundSerializer(serializers.ModelSerializer):
    profile = serializers.IntegerField(source="profile_id", read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "profile",
            "status",
            "release_by",
            "counts_as_assessment",
            "min_raters",
            "max_raters",
            "answer_by",
            "nominate_by",
            "closed_at",
        ]


class RoundWriteSerializer(serializers.Serializer):
    profile = serializers.IntegerField()
    name = serializers.CharField(max_length=255)
    people = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=5000)
    units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)
    positions = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)
    answer_by = serializers.DateField(required=False, allow_null=True, default=None)
    release_by = serializers.ChoiceField(choices=Round.RELEASE_CHOICES, default=Round.RELEASE_MANAGER)
    counts_as_assessment = serializers.BooleanField(default=True)
    min_raters = serializers.IntegerField(min_value=1, max_value=50, default=3)
    max_raters = serializers.IntegerField(min_value=1, max_value=50, default=8)


class ProgressSerializer(serializers.Serializer):
    round = RoundSerializer()
    groups = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    subjects = serializers.DictField(child=serializers.IntegerField())
    answers_overdue = serializers.BooleanField()
    nominations_overdue = serializers.BooleanField()
    overdue_raters = serializers.IntegerField()
    overdue_nominations = serializers.IntegerField()


class RaterTaskSerializer(serializers.ModelSerializer):
    subject = serializers.IntegerField(source="subject_id", read_only=True)
    round = serializers.CharField(source="subject.round.name", read_only=True)
    about = serializers.CharField(source="subject.person.user.username", read_only=True)

    class Meta:
        model = Rater
        fields = ["id", "subject", "round", "about", "group", "status", "version"]


class LevelSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()


class SheetItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    competency = serializers.IntegerField()
    text = serializers.CharField()
    levels = LevelSerializer(many=True)
    answered = serializers.BooleanField()
    level = serializers.IntegerField(allow_null=True)


class SheetQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    answer = serializers.CharField(allow_blank=True)


class SheetSerializer(serializers.Serializer):
    rater = RaterTaskSerializer()
    group_is_named = serializers.BooleanField(help_text="True for the manager group: its answers read as theirs.")
    items = SheetItemSerializer(many=True)
    questions = SheetQuestionSerializer(many=True)


class AnswersWriteSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=0, max_value=100),
        help_text="{item id: level, or null for 'not able to say'}",
    )
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000), required=False)
    submit = serializers.BooleanField(default=False)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NominationsSerializer(serializers.Serializer):
    peer = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    direct_report = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    other = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)


class ApproveSerializer(serializers.Serializer):
    nominations = NominationsSerializer(required=False, allow_null=True, default=None)


class SubjectStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    released_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    """The report as every channel shows it (ADR 0024): shown groups only, no rater named."""

    subject = serializers.IntegerField()
    round = serializers.IntegerField()
    minimum_group = serializers.IntegerField()
    groups = serializers.ListField(child=serializers.DictField())
    not_counted = serializers.IntegerField()
    competencies = serializers.ListField(child=serializers.DictField())
    comments = serializers.ListField(child=serializers.DictField())


# -- lane profiling2: profiles written over REST, one's own round, coaches, deadlines ---------------------------------


class ProfileItemSerializer(serializers.Serializer):
    competency = serializers.IntegerField()
    text = serializers.CharField(max_length=2000)


class ProfileDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    family = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    status = serializers.CharField()
    allow_self_request = serializers.BooleanField()
    in_use = serializers.BooleanField()
    version = serializers.IntegerField()
    items = ProfileItemSerializer(many=True)
    questions = serializers.ListField(child=serializers.CharField())


class ProfileWriteSerializer(serializers.Serializer):
    family = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=255)
    #: ``360``, ``180`` or ``self`` (checked by the domain; a plain string keeps the schema's one ``kind`` enum).
    kind = serializers.CharField(max_length=8, default=Profile.KIND_360, help_text="360, 180 or self")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    allow_self_request = serializers.BooleanField(default=False)
    #: Seed the items from these competencies' behavioural indicators, or give ``items`` explicitly.
    competencies = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)
    items = ProfileItemSerializer(many=True, required=False, allow_null=True, default=None, max_length=2000)
    questions = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=50
    )


class ProfileEditSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    items = ProfileItemSerializer(many=True, required=False, max_length=2000)
    questions = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=50)


class ProfileCopySerializer(serializers.Serializer):
    family = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ProfileStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(Profile.ACTIVE, "active"), (Profile.RETIRED, "retired")])


class OwnRoundSerializer(serializers.Serializer):
    profile = serializers.IntegerField()
    answer_by = serializers.DateField(required=False, allow_null=True, default=None)


class CoachSerializer(serializers.Serializer):
    #: The coach's user id, or ``null`` to remove the coach.
    coach = serializers.IntegerField(allow_null=True)


class CoachStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    coach = serializers.IntegerField(allow_null=True)


class DeadlinesSerializer(serializers.Serializer):
    answer_by = serializers.DateField(required=False, allow_null=True, default=None)
    nominate_by = serializers.DateField(required=False, allow_null=True, default=None)
