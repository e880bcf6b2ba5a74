from django.urls import path

from calibration import views

app_name = "calibration"

urlpatterns = [
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create_view, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/answer/<int:scenario_pk>/", views.round_answer, name="round-answer"),
    path("rounds/<int:pk>/close/", views.round_close_view, name="round-close"),
    path("rounds/<int:pk>/cancel/", views.round_cancel_view, name="round-cancel"),
    path("rounds/<int:pk>/extend/", views.round_extend_view, name="round-extend"),
    path("rounds/<int:pk>/notes/", views.round_note_view, name="round-note"),
]
