"""The REST API: each app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("training.api.policy_urls")),
    path("", include("training.api.urls")),
    path("", include("quiz.api.urls")),
    path("", include("calibration.api_urls")),
    path("", include("analytics.api_urls")),
]
