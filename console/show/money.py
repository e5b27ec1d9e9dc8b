"""Money as integer cents: parsing what people type, formatting what they read."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£", "HKD": "HK$"}

MAX_CENTS = 10**12  # ten billion in the currency: anything above is a typo


def parse_money(value: object) -> int:
    """Parse ``59.9``, ``"59.90"``, ``"¥59.90"`` or ``"1,299"`` into cents.

    Raises ``ValueError`` with a readable reason (callers wrap it in a ``UserError`` or a row error).
    """
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        for symbol in ("HK$", "¥", "￥", "$", "€", "£"):
            text = text.removeprefix(symbol)
        text = text.removesuffix("元").strip()
        if not text:
            raise ValueError("empty amount")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    else:
        raise ValueError(f"not an amount: {value!r}")
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"more than two decimals: {value!r}")
    if abs(cents) > MAX_CENTS:
        raise ValueError(f"amount too large: {value!r}")
    return int(cents)


def format_money(cents: int, currency: str = "CNY") -> str:
    """``5990`` → ``"¥59.90"``; whole amounts drop the decimals: ``19900`` → ``"¥199"``."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole}" if frac == 0 else f"{sign}{symbol}{whole}.{frac:02d}"


def cents_to_text(cents: int) -> str:
    """Cents as a plain decimal string for files: ``5990`` → ``"59.90"``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"
