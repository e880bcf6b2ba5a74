"""Admin for agreement snapshots and drift alerts. Snapshots are measurements: read-only here."""

from django.contrib import admin

from analytics.models import AgreementSnapshot, DriftAlert, ReviewerSnapshot
from training.admin import BoundedInputAdmin


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
