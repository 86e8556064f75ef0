from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.errors import SourceError
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.store import DecisionStore, is_shared
from tests.runtime.stores import store_location

__all__ = ["store_location"]


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


def test_a_puller_learns_what_is_new_and_what_went_since_its_last_pull(
    store_location: str,
) -> None:
    store = DecisionStore(store_location)
    a = store.add(_decision("203.0.113.7", 1000.0))
    b = store.add(_decision("203.0.113.8", 2000.0, duration=100.0))
    assert [d.id for d in store.new_since(0.0, 2050.0)] == [a.id, b.id]
    assert [d.id for d in store.new_since(1500.0, 2050.0)] == [b.id]
    assert store.delete(2060.0, value="203.0.113.7") == 1
    gone = store.gone_since(2050.0, 2200.0)
    assert sorted(d.id for d in gone) == [a.id, b.id]  # one deleted, one expired
    assert store.count_for("203.0.113.7") == 1
    assert store.delete(2070.0, id=a.id) == 0
    store.close()


def test_each_backend_reopens_with_the_same_decisions(store_location: str) -> None:
    store = DecisionStore(store_location)
    made = store.add(_decision("203.0.113.7", 1000.0))
    store.add(_decision("2001:db8:1:2::/64", 1100.0))
    store.close()
    store = DecisionStore(store_location)
    (again,) = store.active(1500.0, value="203.0.113.7")
    assert again == made
    assert [d.value for d in store.active_networks(1500.0)] == ["2001:db8:1:2::/64"]
    assert [d.id for d in store.all()] == sorted((d.id for d in store.all()), reverse=True)
    assert store.count_for("203.0.113.7", "http-bruteforce") == 1
    assert store.count_for("203.0.113.7", "http-probing") == 0
    store.close()


def test_the_same_decision_added_twice_is_stored_once(store_location: str) -> None:
    store = DecisionStore(store_location)
    first = store.add(_decision("203.0.113.7", 1000.0))
    second = store.add(_decision("203.0.113.7", 1000.0))
    later = store.add(_decision("203.0.113.7", 5000.0))
    assert second.id == first.id
    assert later.id != first.id
    assert store.count_for("203.0.113.7") == 2
    store.close()


def test_the_store_url_picks_the_backend(tmp_path: Path) -> None:
    store = DecisionStore(f"sqlite:///{tmp_path / 'd.db'}")
    assert not store.shared
    store.add(_decision("203.0.113.7", 1000.0))
    store.close()
    assert (tmp_path / "d.db").is_file()
    assert is_shared("postgresql://postgres@127.0.0.1:5432/decisions")
    assert not is_shared("decisions.db")


def test_an_unreachable_postgresql_says_which_database_and_what_to_check() -> None:
    with pytest.raises(SourceError) as caught:
        DecisionStore("postgresql://postgres:secret@127.0.0.1:1/nowhere")
    assert "127.0.0.1:1/nowhere" in caught.value.message
    assert "secret" not in caught.value.message
    assert "watch.database" in (caught.value.hint or "")


def test_stores_opened_at_once_on_a_new_database_all_open(store_location: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(DecisionStore, [store_location] * 4))
    made = stores[0].add(_decision("203.0.113.7", 1000.0))
    assert [d.id for d in stores[3].active(1500.0)] == [made.id]
    for store in stores:
        store.close()
