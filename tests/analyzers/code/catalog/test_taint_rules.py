"""The sink classes the taint rules name and the classes a value can be made safe
for are one list written in two layers (the catalog reads the values module, so
the values module cannot read the catalog): they must not drift apart."""

from __future__ import annotations

from typing import get_args

from shieldwall.analyzers.code.catalog.taint_rules import SinkClass
from shieldwall.analyzers.code.values import ALL_CLASSES


def test_every_sink_class_but_weak_randomness_can_be_made_safe_and_no_other() -> None:
    assert set(get_args(SinkClass)) - {"weakrand"} == ALL_CLASSES
