"""Admin for quizzes. Submitted attempts, answers and score changes are history: read-only here."""

from django import forms
from django.contrib import admin

from quiz.models.quizzes import Answer, Assignment, Attempt, AttemptItem, Certification, Quiz, QuizItem, ScoreChange
from quiz.services.attempts import QUIZ_DESCRIPTION_MAX_LENGTH
from training.admin import BoundedInputAdmin
from training.forms import guarded_text


class QuizItemInline(admin.TabularInline):
    model = QuizItem
    extra = 0
    raw_id_fields = ["scenario"]


class QuizAdminForm(forms.ModelForm):
    """The content guard on the texts trainees read, as on the lead's quiz page."""

    class Meta:
        model = Quiz
        fields = "__all__"  # noqa: DJ007 (the admin shows every field, as it did before this form)

    def clean_title(self) -> str:
        return guarded_text(self.cleaned_data["title"], max_length=200)

    def clean_description(self) -> str:
        return guarded_text(self.cleaned_data["description"], max_length=QUIZ_DESCRIPTION_MAX_LENGTH)


@admin.register(Quiz)
class QuizAdmin(BoundedInputAdmin, admin.ModelAdmin):
    form = QuizAdminForm
    list_display = [
        "title",
        "mode",
        "question_count",
        "time_limit_minutes",
        "pass_mark_percent",
        "is_active",
        "open_to_all_trainees",
        "is_shared",
        "created_by",
    ]
    list_filter = ["mode", "is_active", "open_to_all_trainees", "is_shared"]
    search_fields = ["title"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [QuizItemInline]

    def save_model(self, request, obj, form, change):
        # A quiz written in the admin is written by staff: record who, so its history reads right.
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Assignment)
class AssignmentAdmin(BoundedInputAdmin, admin.ModelAdmin):
    list_display = ["quiz", "trainee", "team", "due_at", "assigned_by"]
    list_filter = ["team"]
    raw_id_fields = ["trainee"]


class AttemptItemInline(admin.TabularInline):
    model = AttemptItem
    extra = 0
    can_delete = False
    readonly_fields = ["scenario", "position"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(BoundedInputAdmin, admin.ModelAdmin):
    list_display = [
        "user",
        "quiz",
        "calibration_round",
        "mode",
        "status",
        "score",
        "critical_misses",
        "passed",
        "started_at",
    ]
    list_filter = ["mode", "status", "passed"]
    search_fields = ["user__username"]
    inlines = [AttemptItemInline]

    def get_readonly_fields(self, request, obj=None):
        # A submitted attempt never changes: every field is read-only once it is no longer in progress.
        if obj is not None and obj.status != Attempt.Status.IN_PROGRESS:
            return [field.name for field in self.model._meta.fields]
        return ["seed", "policy_version", "rubric", "score", "critical_misses", "passed", "submitted_at"]

    def has_delete_permission(self, request, obj=None):
        # Narrows Django's check (the user's permissions), never replaces it.
        in_progress = obj is None or obj.status == Attempt.Status.IN_PROGRESS
        return super().has_delete_permission(request, obj) and in_progress


class ReadOnlyAdmin(BoundedInputAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = [
        "attempt",
        "scenario",
        "verdict",
        "clause_id",
        "points",
        "max_points",
        "is_correct",
        "is_critical_miss",
        "answered_at",
    ]
    list_filter = ["is_correct", "is_critical_miss"]
    search_fields = ["attempt__user__username", "scenario__key"]


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "policy_version", "score", "certified_at"]


@admin.register(ScoreChange)
class ScoreChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "answer",
        "points_before",
        "points_after",
        "policy_version_after",
        "changed_by",
        "changed_at",
        "reason",
    ]
