"""Numbers are shown without trailing zeros or exponents, whatever their type."""

from decimal import Decimal

import pytest

from wuxing.core.formatting import plain_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (3, "3"),
        (Decimal("12.50"), "12.5"),
        (Decimal("3.000"), "3"),
        (Decimal("1E+2"), "100"),
        (2.5, "2.5"),
        (0.1, "0.1"),
        (Decimal("0"), "0"),
    ],
)
def test_plain_number(value, text):
    assert plain_number(value) == text
