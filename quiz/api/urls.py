from quiz.api.quizzes_urls import urlpatterns

__all__ = ["urlpatterns"]
