from django.urls import path

from quiz.views import analytics, calibration

urlpatterns = [
    path("teams/", analytics.lead_dashboard, name="lead-dashboard"),
    path("teams/alerts/<int:pk>/acknowledge/", analytics.alert_acknowledge, name="alert-acknowledge"),
    path("rounds/", calibration.round_list, name="round-list"),
    path("rounds/new/", calibration.round_create_view, name="round-create"),
    path("rounds/<int:pk>/", calibration.round_detail, name="round-detail"),
    path("rounds/<int:pk>/answer/<int:scenario_pk>/", calibration.round_answer, name="round-answer"),
    path("rounds/<int:pk>/close/", calibration.round_close_view, name="round-close"),
    path("rounds/<int:pk>/cancel/", calibration.round_cancel_view, name="round-cancel"),
    path("rounds/<int:pk>/extend/", calibration.round_extend_view, name="round-extend"),
    path("rounds/<int:pk>/notes/", calibration.round_note_view, name="round-note"),
    path("agreement/", analytics.agreement_overview_view, name="agreement-overview"),
    path("contested/", analytics.contested_list, name="contested-list"),
    path("items/", analytics.item_analysis_list, name="item-analysis"),
]
