from django.urls import path

from training.views import pending

urlpatterns = [
    path("teams/", pending.not_built_yet, name="lead-dashboard"),
    path("rounds/", pending.not_built_yet, name="round-list"),
    path("contested/", pending.not_built_yet, name="contested-list"),
]
