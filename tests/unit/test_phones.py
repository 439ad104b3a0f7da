"""French telephone numbers as people type them (dmp_web/domain/phones.py)."""
import pytest

from dmp_web.domain.phones import BadPhone, read_phone


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
                                   "0612345678", "06\u00a012\u00a034\u00a056\u00a078"])
def test_a_mobile_typed_the_usual_ways_is_read_as_its_10_digits(typed):
    assert read_phone(typed, mobile=True) == "0612345678"


@pytest.mark.parametrize(("typed", "code"), [
    ("", "empty"), ("  ", "empty"), (None, "empty"), ("06 12 34 56 7a", "characters"),
    ("\u0660" + "612345678", "characters"), ("061234567", "length"), ("01 23 45 67 89", "prefix"),
    ("08 12 34 56 78", "prefix"),
])
def test_what_is_not_a_mobile_is_refused_with_the_reason(typed, code):
    with pytest.raises(BadPhone) as refused:
        read_phone(typed, mobile=True)
    assert refused.value.code == code


def test_any_french_number_may_be_a_fixed_line_but_not_00():
    assert read_phone("01 23 45 67 89", mobile=False) == "0123456789"
    assert read_phone("08 12 34 56 78", mobile=False) == "0812345678"
    with pytest.raises(BadPhone) as refused:
        read_phone("00 12 34 56 78", mobile=False)
    assert refused.value.code == "prefix"
    with pytest.raises(BadPhone) as refused:
        read_phone("0612", mobile=False)
    assert (refused.value.code, refused.value.length) == ("length", 4)
