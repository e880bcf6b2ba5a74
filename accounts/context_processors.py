from django.http import HttpRequest

from .models import Role


def role(request: HttpRequest) -> dict[str, object]:
    user = request.user
    current = None
    if user.is_authenticated:
        current = Role.ADMIN if user.is_superuser else user.role
    return {"current_role": current, "Role": Role}
