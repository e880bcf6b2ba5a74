"""Admin for agreement snapshots and drift alerts. Snapshots are measurements: read-only here."""

from django import forms
from django.contrib import admin

from quiz.models import AgreementSnapshot, CalibrationRound, DiscussionNote, DriftAlert, ReviewerSnapshot, RoundItem
from quiz.services.calibration import NOTE_MAX_LENGTH
from training.admin import BoundedInputAdmin
from training.forms import guarded_text


@admin.register(AgreementSnapshot)
class AgreementSnapshotAdmin(BoundedInputAdmin, admin.ModelAdmin):
    list_display = ("scope", "team", "calibration_round", "clause_id", "granularity", "period_start", "alpha")
    list_filter = ("scope", "granularity", "team")
    list_select_related = ("team", "calibration_round")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewerSnapshot)
class ReviewerSnapshotAdmin(BoundedInputAdmin, admin.ModelAdmin):
    list_display = ("user", "team", "granularity", "period_start", "accuracy", "kappa_vs_gold", "n_answers")
    list_filter = ("granularity", "team")
    list_select_related = ("user", "team")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DriftAlert)
class DriftAlertAdmin(BoundedInputAdmin, admin.ModelAdmin):
    list_display = ("metric", "team", "user", "threshold", "period_start", "raised_at", "acknowledged_at")
    list_filter = ("metric", "team")
    list_select_related = ("team", "user")


class RoundItemInline(admin.TabularInline):
    model = RoundItem
    extra = 0
    raw_id_fields = ["scenario"]


class DiscussionNoteForm(forms.ModelForm):
    class Meta:
        model = DiscussionNote
        fields = "__all__"  # noqa: DJ007 (the admin shows every field, as it did before this form)

    def clean_text(self) -> str:
        return guarded_text(self.cleaned_data["text"], max_length=NOTE_MAX_LENGTH)


class CalibrationRoundForm(forms.ModelForm):
    class Meta:
        model = CalibrationRound
        fields = "__all__"  # noqa: DJ007 (the admin shows every field, as it did before this form)

    def clean_title(self) -> str:
        return guarded_text(self.cleaned_data["title"], max_length=200)


class DiscussionNoteInline(admin.StackedInline):
    model = DiscussionNote
    form = DiscussionNoteForm
    extra = 0
    readonly_fields = ("author", "created_at")


@admin.register(CalibrationRound)
class CalibrationRoundAdmin(BoundedInputAdmin, admin.ModelAdmin):
    """Rounds are run from the lead pages; the admin shows them, and closed rounds are read-only."""

    form = CalibrationRoundForm
    list_display = ("title", "team", "opens_at", "closes_at", "closed_at")
    list_filter = ("team",)
    list_select_related = ("team",)
    filter_horizontal = ("cohort",)
    inlines = [RoundItemInline, DiscussionNoteInline]

    def has_change_permission(self, request, obj=None) -> bool:
        # Narrows Django's check (the user's permissions), never replaces it.
        return super().has_change_permission(request, obj) and (obj is None or obj.closed_at is None)
