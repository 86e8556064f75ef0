from __future__ import annotations

from pathlib import Path

from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store import DecisionStore


def _decision(value: str, created: float, duration: float = 3600.0) -> Decision:
    return Decision(value, "ip", "ban", duration, "http-bruteforce", "r", created, 3, ("a:1",))


def test_decisions_survive_reopening_and_expire_by_themselves(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    store = DecisionStore(path)
    made = store.add(_decision("203.0.113.7", 1000.0))
    store.close()
    store = DecisionStore(path)
    assert [d.id for d in store.active(1500.0)] == [made.id]
    assert store.active(1000.0 + 3600.0) == []
    assert store.all()[0].evidence == ("a:1",)


def test_a_puller_learns_what_is_new_and_what_went_since_its_last_pull() -> None:
    store = DecisionStore()
    a = store.add(_decision("203.0.113.7", 1000.0))
    b = store.add(_decision("203.0.113.8", 2000.0, duration=100.0))
    assert [d.id for d in store.new_since(0.0, 2050.0)] == [a.id, b.id]
    assert [d.id for d in store.new_since(1500.0, 2050.0)] == [b.id]
    assert store.delete(2060.0, value="203.0.113.7") == 1
    gone = store.gone_since(2050.0, 2200.0)
    assert sorted(d.id for d in gone) == [a.id, b.id]  # one deleted, one expired
    assert store.count_for("203.0.113.7") == 1
    assert store.delete(2070.0, id=a.id) == 0
