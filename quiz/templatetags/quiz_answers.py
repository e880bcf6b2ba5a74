"""`{% answer_label policy "action" value %}`: the policy's title for an answer id, for templates whose
view cannot prepare it (lessons). The mapping itself lives in `quiz.selectors.quizzes.answer_value_label`."""

from typing import Any

from django import template

from quiz.selectors.quizzes import answer_value_label
from training.policy import Policy

register = template.Library()


@register.simple_tag
def answer_label(policy: Policy, part: str, value: Any) -> str:
    return answer_value_label(policy, part, value)
