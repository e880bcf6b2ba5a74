from django.conf import settings
from django.db import models
from django.db.models import Q


class Verdict(models.TextChoices):
    VIOLATING = "violating", "Violating"
    NOT_VIOLATING = "not_violating", "Not violating"


class Quiz(models.Model):
    """A quiz a lead or the policy team sets: which scenarios, how many, and how it is scored."""

    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        ASSESSMENT = "assessment", "Assessment"
        ADAPTIVE = "adaptive", "Adaptive practice"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.PRACTICE)
    policy_version = models.ForeignKey(
        "training.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Leave empty to use the version published when each attempt starts.",
    )
    scenarios = models.ManyToManyField("training.Scenario", through="QuizItem", blank=True)
    question_count = models.PositiveIntegerField(default=10)
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    pass_mark_percent = models.PositiveIntegerField(default=80)
    cooldown_hours = models.PositiveIntegerField(default=24)
    rubric = models.JSONField(default=dict, blank=True, help_text="Scoring weights; empty uses the default rubric.")
    is_active = models.BooleanField(default=True)
    open_to_all_trainees = models.BooleanField(
        default=False, help_text="Practice quizzes any trainee may take without an assignment."
    )
    is_shared = models.BooleanField(
        default=False,
        help_text="A shared template every lead may assign. Quizzes the policy team or an admin writes are shared; "
        "a lead's own quizzes are theirs alone.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class QuizItem(models.Model):
    """A scenario in a quiz's fixed set."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    scenario = models.ForeignKey("training.Scenario", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "scenario"], name="scenario_once_per_quiz")]

    def __str__(self) -> str:
        return f"{self.quiz_id} #{self.position}: scenario {self.scenario_id}"


class Assignment(models.Model):
    """A quiz set for one trainee or for a whole team, with a due date."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="assignments")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    due_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(trainee__isnull=False) & Q(team__isnull=True))
                | (Q(trainee__isnull=True) & Q(team__isnull=False)),
                name="assignment_targets_a_trainee_or_a_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz} for {self.trainee or self.team}"


class Attempt(models.Model):
    """One reviewer working through one quiz or one calibration round. Once submitted it never changes."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts")
    calibration_round = models.ForeignKey(
        "calibration.CalibrationRound", null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    mode = models.CharField(max_length=12, choices=[*Quiz.Mode.choices, ("calibration", "Calibration")])
    policy_version = models.ForeignKey("training.PolicyVersion", on_delete=models.PROTECT, related_name="attempts")
    rubric = models.JSONField(default=dict)
    seed = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="Share of available points, 0 to 1.")
    critical_misses = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(quiz__isnull=False) & Q(calibration_round__isnull=True))
                | (Q(quiz__isnull=True) & Q(calibration_round__isnull=False)),
                name="attempt_is_for_a_quiz_or_a_round",
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(quiz__isnull=False, status="in_progress"),
                name="one_open_attempt_per_quiz_and_user",
            ),
            models.UniqueConstraint(
                fields=["calibration_round", "user"],
                condition=Q(calibration_round__isnull=False),
                name="one_attempt_per_round_and_reviewer",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.quiz or self.calibration_round} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptItem(models.Model):
    """The scenarios drawn for an attempt, in order; fixed when the attempt starts."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    scenario = models.ForeignKey("training.Scenario", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    seen_before = models.BooleanField(
        default=False, help_text="The reviewer had already been shown this scenario's gold answer when it was drawn."
    )

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "scenario"], name="scenario_once_per_attempt"),
            models.UniqueConstraint(fields=["attempt", "position"], name="one_item_per_position"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.attempt_id} #{self.position}: scenario {self.scenario_id}"


class Answer(models.Model):
    """A reviewer's answer to one scenario, and its score against the gold answer it was scored with."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    scenario = models.ForeignKey("training.Scenario", on_delete=models.PROTECT, related_name="answers")
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    clause_id = models.CharField(max_length=10, blank=True, help_text="Blank means no clause applies.")
    action = models.CharField(max_length=40, blank=True)
    report_to_ncmec = models.BooleanField(null=True, blank=True)
    report_route = models.CharField(max_length=40, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    answered_at = models.DateTimeField()
    # What the answer was scored against, kept so history keeps its meaning.
    expected = models.JSONField(default=dict)
    scored_policy_version = models.ForeignKey(
        "training.PolicyVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_rubric = models.JSONField(default=dict)
    points = models.FloatField(default=0)
    max_points = models.FloatField(default=0)
    part_results = models.JSONField(default=dict)
    is_correct = models.BooleanField(default=False, help_text="Every asked part matches the gold answer.")
    is_critical_miss = models.BooleanField(default=False, help_text="Answered not violating when the case violates.")

    class Meta:
        ordering = ["attempt", "answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "scenario"], name="one_answer_per_attempt_and_scenario"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="confidence_from_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["scenario", "answered_at"]),
            # "Newer answers are still being counted": answers given since figures were measured.
            models.Index(fields=["answered_at"], name="answer_answered_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt.user_id} on {self.scenario_id}: {self.verdict} {self.clause_id}"


class Certification(models.Model):
    """Proof that a reviewer passed an assessment under a given policy version."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications")
    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="certification")
    policy_version = models.ForeignKey("training.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    certified_at = models.DateTimeField()

    class Meta:
        ordering = ["-certified_at"]

    def __str__(self) -> str:
        return f"{self.user} certified on {self.certified_at:%Y-%m-%d}"


class ScoreChange(models.Model):
    """A change to a stored score made by `rescore --apply`: what it was, what it became, and why."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="score_changes")
    points_before = models.FloatField()
    points_after = models.FloatField()
    max_points_before = models.FloatField()
    max_points_after = models.FloatField()
    expected_before = models.JSONField(default=dict)
    expected_after = models.JSONField(default=dict)
    critical_before = models.BooleanField()
    critical_after = models.BooleanField()
    policy_version_before = models.ForeignKey(
        "training.PolicyVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_version_after = models.ForeignKey("training.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    rubric_before = models.JSONField(default=dict)
    rubric_after = models.JSONField(default=dict)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "answer"]

    def __str__(self) -> str:
        return f"Answer {self.answer_id}: {self.points_before:g} -> {self.points_after:g} ({self.changed_at:%Y-%m-%d})"
