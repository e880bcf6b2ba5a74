from django.urls import path

from . import policy

urlpatterns = [
    path("policy/", policy.PublishedPolicyView.as_view(), name="api-policy"),
    path("policy/versions/", policy.PolicyVersionListView.as_view(), name="api-policy-versions"),
    path("policy/versions/<int:pk>/", policy.PolicyVersionDetailView.as_view(), name="api-policy-version"),
    path(
        "policy/versions/<int:pk>/diff/<int:other_pk>/",
        policy.PolicyVersionDiffView.as_view(),
        name="api-policy-version-diff",
    ),
    path("policy/evaluate/", policy.EvaluateFactsView.as_view(), name="api-policy-evaluate"),
]
