"""The REST API: each app contributes its routes (training.api.urls, quiz.api.urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("training.api.urls")),
    path("", include("quiz.api.urls")),
]
