"""Security review: ?format=csv exports neutralise spreadsheet formulas (CSV injection) in text
typed by people, keep numbers as numbers, and name the file safely."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from analytics.views import export_response
from tests.quiz.factories import CalibrationRoundFactory

pytestmark = pytest.mark.django_db

FORMULA_TITLE = '=HYPERLINK("https://example.com","open")'


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("title", [FORMULA_TITLE, "+1+2", "-3+4", "@SUM(1)", "\tTab first", "\rReturn first"])
def test_a_round_title_that_starts_like_a_formula_is_exported_as_text(lead_client, team, title):
    calibration_round = CalibrationRoundFactory(team=team, title=title)

    response = lead_client.get(reverse("calibration:round-list"), {"format": "csv"})

    assert (response.status_code, _csv_rows(response)[1][:3]) == (
        200,
        [str(calibration_round.pk), "'" + title, "Team North"],
    )


def test_the_json_export_keeps_the_title_as_it_was_typed(lead_client, team):
    CalibrationRoundFactory(team=team, title=FORMULA_TITLE)

    response = lead_client.get(reverse("calibration:round-list"), {"format": "json"})

    assert response.json()["rows"][0]["title"] == FORMULA_TITLE


def test_numbers_stay_numbers_and_negative_figures_keep_their_sign(rf):
    response = export_response(
        rf.get("/", {"format": "csv"}), "figures", ["name", "kappa", "count", "missing"], [["-x", -0.25, 3, None]]
    )

    assert _csv_rows(response) == [["name", "kappa", "count", "missing"], ["'-x", "-0.25", "3", ""]]


def test_a_column_named_like_a_formula_is_neutralised_too(rf):
    response = export_response(rf.get("/", {"format": "csv"}), "pairwise", ["reviewer", "+user_1"], [["a", 1.0]])

    assert _csv_rows(response)[0] == ["reviewer", "'+user_1"]


def test_the_file_name_keeps_only_letters_digits_and_dashes(rf):
    response = export_response(rf.get("/", {"format": "csv"}), 'Team "North" & co-reviewers', ["a"], [])

    assert response["Content-Disposition"] == 'attachment; filename="team-north-co-reviewers.csv"'
