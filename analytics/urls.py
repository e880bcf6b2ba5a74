from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("teams/", views.lead_dashboard, name="lead-dashboard"),
    path("teams/alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("agreement/", views.agreement_overview_view, name="agreement-overview"),
    path("contested/", views.contested_list, name="contested-list"),
    path("items/", views.item_analysis_list, name="item-analysis"),
    path("quizzes/<int:pk>/statistics/", views.quiz_statistics_view, name="quiz-statistics"),
    path("reviewers/<int:pk>/", views.reviewer_profile_view, name="reviewer-profile"),
]
