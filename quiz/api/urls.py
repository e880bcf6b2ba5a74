from .calibration_urls import urlpatterns as calibration_urlpatterns
from .quizzes_urls import urlpatterns as quiz_urlpatterns

urlpatterns = quiz_urlpatterns + calibration_urlpatterns
