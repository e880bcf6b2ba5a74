from django.urls import path

from training.views import pending

urlpatterns = [
    path("me/", pending.not_built_yet, name="trainee-home"),
]
