"""Admin for agreement snapshots and drift alerts. Snapshots are measurements: read-only here."""

from django.contrib import admin

from quiz.models import AgreementSnapshot, CalibrationRound, DiscussionNote, DriftAlert, ReviewerSnapshot, RoundItem


@admin.register(AgreementSnapshot)
class AgreementSnapshotAdmin(admin.ModelAdmin):
    list_display = ("scope", "team", "calibration_round", "clause_id", "granularity", "period_start", "alpha")
    list_filter = ("scope", "granularity", "team")
    list_select_related = ("team", "calibration_round")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewerSnapshot)
class ReviewerSnapshotAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "granularity", "period_start", "accuracy", "kappa_vs_gold", "n_answers")
    list_filter = ("granularity", "team")
    list_select_related = ("user", "team")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DriftAlert)
class DriftAlertAdmin(admin.ModelAdmin):
    list_display = ("metric", "team", "user", "threshold", "period_start", "raised_at", "acknowledged_at")
    list_filter = ("metric", "team")
    list_select_related = ("team", "user")


class RoundItemInline(admin.TabularInline):
    model = RoundItem
    extra = 0
    raw_id_fields = ["scenario"]


class DiscussionNoteInline(admin.StackedInline):
    model = DiscussionNote
    extra = 0
    readonly_fields = ("author", "created_at")


@admin.register(CalibrationRound)
class CalibrationRoundAdmin(admin.ModelAdmin):
    """Rounds are run from the lead pages; the admin shows them, and closed rounds are read-only."""

    list_display = ("title", "team", "opens_at", "closes_at", "closed_at")
    list_filter = ("team",)
    list_select_related = ("team",)
    filter_horizontal = ("cohort",)
    inlines = [RoundItemInline, DiscussionNoteInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or obj.closed_at is None
