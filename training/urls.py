from django.urls import path

from .views import pending, policy

app_name = "training"

urlpatterns = [
    path("policy/", policy.policy_detail, name="policy-detail"),
    path("policy/versions/", policy.policy_version_list, name="policy-version-list"),
    path("policy/versions/<int:pk>/", policy.policy_detail, name="policy-version-detail"),
    path("policy/versions/<int:pk>/compare/<int:other_pk>/", policy.policy_version_compare, name="policy-version-compare"),
    path("policy/versions/<int:pk>/impact/", pending.not_built_yet, name="policy-impact"),
    path("scenarios/", pending.not_built_yet, name="scenario-list"),
    path("lessons/", pending.not_built_yet, name="lesson-list"),
]
