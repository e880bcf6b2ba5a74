import copy
import datetime as dt

import factory
from django.utils import timezone

from training.models import PolicyVersion, Scenario
from training.policy import DEFAULT_POLICY_FILE, read_policy_file


def shipped_policy_document() -> dict:
    """A fresh copy of the shipped policy document, safe to modify in a test."""
    return copy.deepcopy(read_policy_file(DEFAULT_POLICY_FILE))


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion

    policy = "cse"
    version = factory.Sequence(lambda n: f"test-{n}")
    title = "Child sexual exploitation policy"
    status = PolicyVersion.Status.DRAFT
    effective_date = dt.date(2020, 10, 1)
    document = factory.LazyAttribute(lambda obj: {**shipped_policy_document(), "version": obj.version})


def published_policy_version() -> PolicyVersion:
    version, _ = PolicyVersion.objects.get_or_create(
        policy="cse",
        version="2020-10",
        defaults={
            "title": "Child sexual exploitation policy",
            "status": PolicyVersion.Status.PUBLISHED,
            "effective_date": dt.date(2020, 10, 1),
            "document": shipped_policy_document(),
            "published_at": timezone.now(),
        },
    )
    return version


class ScenarioFactory(factory.django.DjangoModelFactory):
    """A published V4 case by default: a post linking to a folder said to hold material."""

    class Meta:
        model = Scenario

    key = factory.Sequence(lambda n: f"T-{n:03d}")
    revision = 1
    title = factory.Sequence(lambda n: f"Test scenario {n}")
    text = (
        "@user_4821 posts a link to https://files.example/share/9 and says the folder holds sexual images of children."
    )
    kind = Scenario.Kind.CASE
    difficulty = Scenario.Difficulty.EASY
    tags = factory.LazyFunction(lambda: ["link"])
    facts = factory.LazyFunction(
        lambda: {
            "subject": "children_generally",
            "content_form": "link",
            "conduct": "links_elsewhere",
            "links_to_material": True,
        }
    )
    intended_clause = "V4"
    status = Scenario.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


# Facts for one scenario per outcome family, for tests that need variety.
BENIGN_FACTS = {"subject": "specific_person", "subject_age": 9, "conduct": "everyday_post"}
P3_FACTS = {"subject": "children_generally", "conduct": "advocates_against", "stance": "opposes"}
V1_FACTS = {
    "subject_age": 15,
    "content_form": "photo_or_video",
    "sexual_context": "suggestive",
    "conduct": "shares_content",
}
B5_FACTS = {"subject_age": 14, "conduct": "sexual_conversation", "recipient_is_minor": True, "content_form": "text"}
