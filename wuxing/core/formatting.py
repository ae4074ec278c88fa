"""Numbers as cadres write them: no trailing zeros, no scientific notation (12.50 → "12.5", 3.0 → "3")."""

from decimal import Decimal


def plain_number(value) -> str:
    """A number (int, float or Decimal) as plain text without trailing zeros; "" for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
