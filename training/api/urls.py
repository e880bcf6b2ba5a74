from rest_framework.routers import SimpleRouter

from .views import PolicyTeamScenarioViewSet, PublishedScenarioViewSet

router = SimpleRouter()
router.register("scenarios", PublishedScenarioViewSet, basename="scenario")
router.register("policy-team/scenarios", PolicyTeamScenarioViewSet, basename="policy-team-scenario")

urlpatterns = router.urls
