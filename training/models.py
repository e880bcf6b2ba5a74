import functools
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class OrderedJSONField(models.JSONField):
    """JSON that keeps the order of keys as written.

    The policy document's mappings are ordered (facts, actions and routes appear in forms and
    pages in the order the policy team wrote them). PostgreSQL's jsonb sorts keys; its plain
    json type keeps the text as given, so PostgreSQL stores this field as json. We never query
    inside the document, so nothing is lost.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        from psycopg.types.json import Json

        if not prepared:
            value = self.get_prep_value(value)
        # Sent as json, not jsonb: a jsonb parameter would be re-ordered before the cast.
        return Json(value, dumps=functools.partial(json.dumps, cls=self.encoder))

    def from_db_value(self, value, expression, connection):
        # psycopg already decodes the json type; jsonb and other backends hand over text.
        if isinstance(value, dict | list):
            return value
        return super().from_db_value(value, expression, connection)


class PolicyVersion(models.Model):
    """One version of an encoded policy. A published version is frozen: its document never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    policy = models.SlugField(max_length=40, help_text="Which policy this encodes, e.g. cse.")
    version = models.CharField(max_length=40, help_text="A label for this version, e.g. 2020-10.")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_date = models.DateField()
    document = OrderedJSONField(help_text="The encoded policy: clauses, facts, rules, interpretations.")
    change_note = models.TextField(blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="drafts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-effective_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="unique_policy_version_label"),
            models.UniqueConstraint(
                fields=["policy"], condition=Q(status="published"), name="one_published_version_per_policy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


# What an author writes; everything else on a Scenario is workflow. A change to any of these on a
# published revision makes a new revision.
SCENARIO_CONTENT_FIELDS = (
    "title",
    "text",
    "kind",
    "difficulty",
    "tags",
    "facts",
    "intended_clause",
    "intended_action",
    "intended_route",
    "is_worked_example",
)


class Scenario(models.Model):
    """One revision of a hypothetical, text-only case. Answers point at a revision, so a
    revision that has been published is never edited: changing it makes a new revision."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Kind(models.TextChoices):
        CASE = "case", "Case"
        REPORTING = "reporting", "Reporting route"

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    key = models.CharField(max_length=40, help_text="Stable identity shared by every revision, e.g. V1-003.")
    revision = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CASE)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    tags = models.JSONField(default=list, blank=True)
    facts = models.JSONField(default=dict, help_text="Structured facts in the policy's vocabulary.")
    intended_clause = models.CharField(
        max_length=10, blank=True, help_text="The clause the author intends; blank when no clause applies."
    )
    intended_action = models.CharField(max_length=40, blank=True)
    intended_route = models.CharField(max_length=40, blank=True)
    is_worked_example = models.BooleanField(
        default=False, help_text="Shown with its answer on lesson pages, so never drawn into quizzes."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_scenarios"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_scenarios"
    )
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["key", "revision"], name="unique_scenario_revision"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(status="published"), name="one_published_revision_per_scenario"
            ),
            # The four-eyes rule: whoever approves a scenario did not write it.
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | Q(author__isnull=True) | ~Q(reviewer=F("author")),
                name="scenario_reviewer_is_not_author",
            ),
        ]
        indexes = [models.Index(fields=["status", "intended_clause"])]

    def __str__(self) -> str:
        return f"{self.key} r{self.revision}: {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
