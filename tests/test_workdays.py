from datetime import date

import pytest

from schakel.core.workdays import is_working_day, working_days_after, working_days_before


@pytest.mark.parametrize(
    ("meeting", "days", "deadline"),
    [
        (date(2026, 11, 24), 2, date(2026, 11, 20)),  # Tuesday → the Friday before
        (date(2026, 11, 26), 2, date(2026, 11, 24)),  # Thursday → Tuesday
        (date(2026, 4, 28), 2, date(2026, 4, 23)),  # Koningsdag (Mon 27 April) skipped
        (date(2026, 4, 7), 2, date(2026, 4, 1)),  # Easter Monday and Good Friday skipped
        (date(2026, 12, 29), 3, date(2026, 12, 23)),  # Christmas Day on Friday skipped
        (date(2026, 11, 24), 0, date(2026, 11, 24)),
    ],
)
def test_deadlines_count_back_over_weekends_and_dutch_holidays(meeting, days, deadline):
    assert working_days_before(meeting, days) == deadline


def test_working_days_after_skips_the_same_days():
    assert working_days_after(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert not is_working_day(date(2026, 5, 14))  # Hemelvaartsdag
    assert is_working_day(date(2026, 5, 13))
