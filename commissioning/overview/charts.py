"""Bar geometry for server-rendered SVG charts: pure arithmetic, no Django."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    percent: Decimal  # of the largest value, 0 to 100


def bars(items: Sequence[tuple[str, Decimal]]) -> list[Bar]:
    largest = max((value for _, value in items), default=Decimal("0"))
    return [
        Bar(
            label=label,
            value=value,
            percent=(value * 100 / largest).quantize(Decimal("0.1")) if largest else Decimal("0"),
        )
        for label, value in items
    ]
