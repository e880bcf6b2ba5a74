from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import PolicyVersion
from .policy import check_policy_document
from .services import PolicyVersionError, policy_version_publish


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ("policy", "version", "title", "effective_date", "document", "change_note")

    def clean_document(self) -> dict:
        document = self.cleaned_data["document"]
        policy, problems = check_policy_document(document)
        if policy is None:
            raise forms.ValidationError([str(problem) for problem in problems])
        return document


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    form = PolicyVersionForm
    list_display = ("policy", "version", "status", "effective_date", "published_at", "published_by")
    list_filter = ("policy", "status")
    readonly_fields = ("status", "published_at", "published_by", "retired_at", "created_by", "created_at", "based_on")
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj: PolicyVersion | None = None) -> tuple[str, ...]:
        if obj is not None and not obj.is_editable:
            # Published and retired versions are frozen: every field is read-only.
            return tuple(field.name for field in self.model._meta.fields)
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return obj is None or obj.is_editable

    @admin.action(description="Publish the selected draft")
    def publish(self, request: HttpRequest, queryset: QuerySet[PolicyVersion]) -> None:
        for version in queryset:
            try:
                policy_version_publish(version=version, published_by=request.user)
            except (PolicyVersionError, ValueError) as error:
                self.message_user(request, str(error), level=messages.ERROR)
            else:
                self.message_user(request, f"Published {version}.", level=messages.SUCCESS)
