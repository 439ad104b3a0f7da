"""Days as people and files write them (dmp_web/domain/dates.py), and the day it is in France."""
from datetime import UTC, date, datetime

import pytest

from dmp_web.domain.dates import BadDate, local_day, read_day

TODAY = date(2026, 11, 23)


def test_the_day_is_the_day_in_paris_not_in_utc():
    late_evening_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 0 h 30 on the 23rd in Paris
    assert local_day(late_evening_utc) == date(2026, 11, 23)
    assert local_day(datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == date(2026, 7, 1)  # summer: UTC+2


@pytest.mark.parametrize("typed", ["14/03/1942", "14.3.1942", "14-03-1942", "14 03 1942", "1942-03-14",
                                   " 14/03/1942 "])
def test_a_person_may_type_a_day_in_the_usual_french_ways(typed):
    assert read_day(typed, TODAY, typed=True) == date(1942, 3, 14)


@pytest.mark.parametrize("written", ["14/03/1942", "1942-03-14"])
def test_a_file_writes_a_day_in_one_of_two_exact_forms(written):
    assert read_day(written, TODAY, typed=False) == date(1942, 3, 14)


@pytest.mark.parametrize("written", ["14.3.1942", "1942-3-14", "4/3/1942", "14 mars 1942", "",
                                     "\u0661\u0669\u0664\u0662-\u0660\u0663-\u0661\u0664"])  # Arabic-Indic digits
def test_a_file_day_in_any_other_form_is_refused(written):
    with pytest.raises(BadDate) as refused:
        read_day(written, TODAY, typed=False)
    assert refused.value.code == "format"


def test_a_day_that_is_not_in_the_calendar_is_refused():
    with pytest.raises(BadDate) as refused:
        read_day("30/02/2026", TODAY, typed=True)
    assert refused.value.code == "calendar"


def test_after_today_is_refused_unless_the_future_is_allowed():
    assert read_day("23/11/2026", TODAY, typed=True) == TODAY
    with pytest.raises(BadDate) as refused:
        read_day("24/11/2026", TODAY, typed=True)
    assert refused.value.code == "future"
    assert read_day("24/11/2026", TODAY, typed=True, allow_future=True) == date(2026, 11, 24)
