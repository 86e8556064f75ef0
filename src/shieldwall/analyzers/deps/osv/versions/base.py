"""What every ecosystem's version type offers: a total order, built from a
three-way comparison where the ecosystem defines one."""

from __future__ import annotations

from typing import Any, Protocol


class InvalidVersionError(ValueError):
    """A version string this ecosystem cannot order."""


class Comparable(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...

    def __le__(self, other: Any, /) -> bool: ...

    def __eq__(self, other: object, /) -> bool: ...


class CmpVersion:
    """A parsed version ordered by ``compare`` (negative, zero, positive)."""

    __slots__ = ("text",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, text: str) -> None:
        self.text = text

    def compare(self, other: CmpVersion) -> int:
        raise NotImplementedError

    def __lt__(self, other: CmpVersion) -> bool:
        return self.compare(other) < 0

    def __le__(self, other: CmpVersion) -> bool:
        return self.compare(other) <= 0

    def __gt__(self, other: CmpVersion) -> bool:
        return self.compare(other) > 0

    def __ge__(self, other: CmpVersion) -> bool:
        return self.compare(other) >= 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CmpVersion):
            return NotImplemented
        return self.compare(other) == 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"


def sign(value: int) -> int:
    return (value > 0) - (value < 0)
