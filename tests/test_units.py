"""Pure functions: no app, no database."""

from datetime import UTC, datetime, timedelta

import pytest

from selfcare import clinical
from selfcare.dates import format_duration, local_today, timezone_names
from selfcare.dose import Dose
from selfcare.forms import optional_bool, optional_int


@pytest.mark.parametrize(
    ("dose", "reads"),
    [
        ({"sets": 2, "duration_seconds": 60}, "2 × 1 min"),
        ({"sets": 3, "hold_seconds": 30, "per_side": True}, "3 × 30 s each side"),
        ({"sets": 2, "reps": 10}, "2 × 10"),
        ({"sets": 1, "reps": 5, "hold_seconds": 3}, "5 × 3 s hold"),
        ({"duration_seconds": 90}, "1 min 30 s"),
        ({"sets": 3}, "3 sets"),
        ({}, "as it feels right"),
    ],
)
def test_format_dose(dose, reads):
    assert Dose(**dose).text() == reads


def test_optional_int_and_bool():
    assert optional_int("") is None and optional_int("7") == 7
    with pytest.raises(ValueError):
        optional_int("seven")
    assert (
        optional_bool("yes") is True and optional_bool("no") is False and optional_bool("") is None
    )


def test_local_today_follows_the_users_time_zone():
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert local_today("Europe/London", moment).isoformat() == "2026-03-01"
    assert local_today("Asia/Tokyo", moment).isoformat() == "2026-03-02"
    assert local_today("America/Los_Angeles", moment).isoformat() == "2026-03-01"


def test_timezone_list_has_real_zones_only():
    names = timezone_names()
    assert "Europe/Berlin" in names and "UTC" in names
    assert "US/Eastern" not in names


def test_reference_data_is_complete():
    assert list(clinical.REGIONS)[:3] == list(clinical.DEFAULT_REGIONS)
    assert clinical.REGIONS["shoulder_left"].snomed_code == "91775009"
    assert len(clinical.MOVEMENTS) == 19 and len(clinical.EXERCISE_LIBRARY) == 22
    assert all(
        m.lowest < m.normal_typical <= m.highest
        for m in clinical.MOVEMENTS.values()
        if m.normal_typical
    )
    assert all(exercise.how_to for exercise in clinical.EXERCISE_LIBRARY)
    assert clinical.MOVEMENTS["fingertip_to_floor"].higher_is_better is False
    assert tuple(range(11)) == clinical.PAIN_VALUES


def test_durations_read_as_a_sentence_says_them():
    assert format_duration(timedelta(days=7)) == "7 days"
    assert format_duration(timedelta(minutes=10)) == "10 minutes"
    assert format_duration(timedelta(hours=1)) == "an hour"
    assert format_duration(timedelta(days=1)) == "a day"
    assert format_duration(timedelta(minutes=90)) == "90 minutes"
