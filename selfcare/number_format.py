"""Numbers as the reader writes them ("4.5" in English, "4,5" in Spanish), with Babel's CLDR
data. Only for text people read: values in attributes, data and files stay as they are."""

from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from .languages import reading_locale


def decimal(value: float, places: int = 1) -> str:
    """`value` with `places` decimals: 4.5, 10.0. Rounded as Python rounds it everywhere else
    (the float's own digits), so every page shows the same figure."""
    pattern = "0." + "0" * places if places else "0"
    return format_decimal(Decimal(f"{value:.{places}f}"), format=pattern, locale=reading_locale())


def short_decimal(value: float, places: int = 3) -> str:
    """`value` to `places` decimals, with no trailing zeros: 4.5, 10, 0.25."""
    return format_decimal(
        Decimal(f"{value:.{places}f}"), format="0." + "#" * places, locale=reading_locale()
    )


def percent(share: float) -> str:
    """A share of 1 as a whole percentage: 62%, or "62 %" where the language spaces it."""
    return format_percent(Decimal(f"{share:.2f}"), locale=reading_locale())
