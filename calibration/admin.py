"""Admin for calibration rounds: run from the lead pages, shown here; closed rounds are read-only."""

from django import forms
from django.contrib import admin

from calibration.models import CalibrationRound, DiscussionNote, RoundItem
from calibration.services import NOTE_MAX_LENGTH
from training.admin import BoundedInputAdmin
from training.forms import guarded_text


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
