from django.contrib.auth.models import AbstractUser
from django.db import models

from .usernames import username_normalise


class Role(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    TEAM_LEAD = "team_lead", "Team lead"
    POLICY_TEAM = "policy_team", "Policy team"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A person using Concordance. Each user has exactly one role, which decides what they may see and do."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.TRAINEE)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Usernames are stored normalised (NFKC, case-folded), as log-in and lockout compare them, so
        ``Fatima`` and ``fatima`` cannot be two accounts. Used by create_user and the admin's forms."""
        return username_normalise(username) if isinstance(username, str) else username

    @property
    def is_trainee(self) -> bool:
        return self.role == Role.TRAINEE

    @property
    def is_team_lead(self) -> bool:
        return self.role == Role.TEAM_LEAD

    @property
    def is_policy_team(self) -> bool:
        return self.role == Role.POLICY_TEAM

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class Team(models.Model):
    """A group of reviewers calibrated together, led by one or more team leads."""

    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        LEAD = "lead", "Lead"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team_and_user")]
        ordering = ["team", "user"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_kind_display()})"
