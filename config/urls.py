from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# The API docs: Swagger UI with its start-up script served as a file of its own (the "split" view), so
# the page runs under our Content-Security-Policy without inline script; Swagger UI's stylesheet draws
# its icons as data: images, which this page alone allows.
api_docs = csp_update({"img-src": ["data:"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", include("accounts.urls")),
    path("training/", include("training.urls")),
    path("quiz/", include("quiz.urls")),
    path("quiz/", include("calibration.urls")),
    path("quiz/", include("analytics.urls")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]
