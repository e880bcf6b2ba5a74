from django.urls import path

from .views import impact, lessons, policy, scenarios

app_name = "training"

urlpatterns = [
    path("policy/", policy.policy_detail, name="policy-detail"),
    path("policy/versions/", policy.policy_version_list, name="policy-version-list"),
    path("policy/versions/<int:pk>/", policy.policy_detail, name="policy-version-detail"),
    path(
        "policy/versions/<int:pk>/compare/<int:other_pk>/", policy.policy_version_compare, name="policy-version-compare"
    ),
    path("policy/versions/<int:pk>/impact/", impact.policy_impact_view, name="policy-impact"),
    path("scenarios/", scenarios.scenario_list, name="scenario-list"),
    path("scenarios/new/", scenarios.scenario_create_view, name="scenario-create"),
    path("scenarios/export/", scenarios.scenario_export, name="scenario-export"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario-detail"),
    path("scenarios/<int:pk>/edit/", scenarios.scenario_edit, name="scenario-edit"),
    path("scenarios/<int:pk>/submit/", scenarios.scenario_submit, name="scenario-submit"),
    path("scenarios/<int:pk>/approve/", scenarios.scenario_approve_view, name="scenario-approve"),
    path("scenarios/<int:pk>/reject/", scenarios.scenario_reject_view, name="scenario-reject"),
    path("scenarios/<int:pk>/revise/", scenarios.scenario_revise_view, name="scenario-revise"),
    path("scenarios/<int:pk>/retire/", scenarios.scenario_retire_view, name="scenario-retire"),
    path("lessons/", lessons.lesson_list, name="lesson-list"),
    path("lessons/<str:clause_id>/", lessons.lesson_detail, name="lesson-detail"),
]
