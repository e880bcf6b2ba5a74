from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .forms import ADMIN_FORMFIELD_OVERRIDES, guarded_text
from .models import SCENARIO_CONTENT_FIELDS, PolicyVersion, Scenario
from .policy import check_policy_document
from .scenario_bank import check_content
from .selectors import engine_policy, published_policy_version
from .services import CHANGE_NOTE_MAX_LENGTH, PolicyVersionError, policy_version_publish


class BoundedInputAdmin:
    """For every ModelAdmin of ours: the input bounds of config.input_bounds on the admin's JSON and
    datetime fields, and a refused form answers 400, as the product's forms do."""

    formfield_overrides = ADMIN_FORMFIELD_OVERRIDES

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ("policy", "version", "title", "effective_date", "document", "change_note")

    def clean_change_note(self) -> str:
        return guarded_text(self.cleaned_data["change_note"], max_length=CHANGE_NOTE_MAX_LENGTH)

    def clean_document(self) -> dict:
        document = self.cleaned_data["document"]
        policy, problems = check_policy_document(document)
        if policy is None:
            raise forms.ValidationError([str(problem) for problem in problems])
        return document


@admin.register(PolicyVersion)
class PolicyVersionAdmin(BoundedInputAdmin, SimpleHistoryAdmin):
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
        # Narrows Django's check (the user's permissions), never replaces it.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)

    @admin.action(description="Publish the selected draft")
    def publish(self, request: HttpRequest, queryset: QuerySet[PolicyVersion]) -> None:
        for version in queryset:
            try:
                policy_version_publish(version=version, published_by=request.user)
            except (PolicyVersionError, ValueError) as error:
                self.message_user(request, str(error), level=messages.ERROR)
            else:
                self.message_user(request, f"Published {version}.", level=messages.SUCCESS)


class ScenarioAdminForm(forms.ModelForm):
    """Runs the same checks as every other write path: the content guard on title and text, the
    facts against the published vocabulary, and the intended clause against the engine."""

    class Meta:
        model = Scenario
        fields = ("key", "revision", *SCENARIO_CONTENT_FIELDS, "author")

    def clean(self) -> dict:
        cleaned = super().clean()
        version = published_policy_version()
        if version is None:
            raise forms.ValidationError("No policy version is published yet; scenarios are checked against it.")
        facts = cleaned.get("facts")
        if not isinstance(facts, dict):
            if "facts" not in self.errors:
                self.add_error("facts", "Facts must be a JSON object of fact name to value.")
            return cleaned
        _, problems = check_content(
            engine_policy(version),
            title=cleaned.get("title") or "",
            text=cleaned.get("text") or "",
            facts=facts,
            intended_clause=cleaned.get("intended_clause") or "",
            intended_action=cleaned.get("intended_action") or "",
            intended_route=cleaned.get("intended_route") or "",
        )
        for problem in problems:
            field = (
                problem.where
                if problem.where in self.fields
                else ("facts" if problem.where.startswith("facts") else None)
            )
            message = problem.message if field == problem.where else f"{problem.where}: {problem.message}"
            if field is None or field in self.errors or field not in cleaned:
                self.add_error(None, message)
            else:
                self.add_error(field, message)
        return cleaned


@admin.register(Scenario)
class ScenarioAdmin(BoundedInputAdmin, SimpleHistoryAdmin):
    """Drafts can be corrected here; published and retired revisions are read-only (a change is a
    new revision, made on the scenario pages). Review and publishing happen on the scenario pages,
    where the four-eyes rule is enforced, so status and reviewer are read-only here."""

    form = ScenarioAdminForm
    list_display = (
        "key",
        "revision",
        "title",
        "status",
        "intended_clause",
        "difficulty",
        "is_worked_example",
        "author",
    )
    list_filter = ("status", "kind", "difficulty", "intended_clause", "is_worked_example")
    search_fields = ("key", "title", "text")
    readonly_fields = (
        "status",
        "supersedes",
        "reviewer",
        "review_note",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "retired_at",
    )
    list_select_related = ("author",)

    def get_readonly_fields(self, request: HttpRequest, obj: Scenario | None = None) -> tuple[str, ...]:
        if obj is not None and obj.status in (Scenario.Status.PUBLISHED, Scenario.Status.RETIRED):
            return tuple(field.name for field in self.model._meta.fields)
        if obj is not None:
            return (*self.readonly_fields, "key", "revision")
        return self.readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New scenarios are written on the scenario pages, which fill in the author and key.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Scenario | None = None) -> bool:
        # Answers point at revisions: nothing is deleted, scenarios are retired.
        return False
