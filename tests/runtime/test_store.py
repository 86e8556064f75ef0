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


def test_every_add_and_delete_takes_the_next_change_number(store_location: str) -> None:
    store = DecisionStore(store_location)
    assert store.last_seq() == 0
    a = store.add(_decision("203.0.113.7", 1000.0))
    b = store.add(_decision("203.0.113.8", 900.0))  # made later, stamped earlier
    store.add(_decision("203.0.113.7", 1000.0))  # stored already: no change
    start = store.last_seq()
    assert [(d.id, d.deleted_at) for _, d in store.changes_after(0)] == [(a.id, None), (b.id, None)]
    assert store.delete(2000.0, value="203.0.113.7") == 1
    ((seq, gone),) = store.changes_after(start)
    assert (gone.id, gone.deleted_at, seq) == (a.id, 2000.0, store.last_seq())
    assert [d.id for _, d in store.changes_after(0)] == [b.id, a.id]  # in change order
    assert [d.id for d in store.expired_between(4000.0, 4600.0)] == [b.id]
    assert store.expired_between(4600.0, 9000.0) == []  # a deleted one does not expire
    store.close()


def test_a_delete_of_several_decisions_comes_after_every_earlier_change(
    store_location: str,
) -> None:
    store = DecisionStore(store_location)
    store.add(_decision("203.0.113.7", 1000.0))
    store.add(Decision("203.0.113.7", "ip", "ban", 3600.0, "other", "r", 1000.0, 3, ()))
    before = store.last_seq()
    assert store.delete(2000.0, value="203.0.113.7") == 2
    changed = store.changes_after(before)
    assert len(changed) == 2 and all(seq > before for seq, _ in changed)
    store.close()


_OLD_SQLITE = """
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT NOT NULL, scope TEXT NOT NULL,
  type TEXT NOT NULL, duration REAL NOT NULL, scenario TEXT NOT NULL, reason TEXT NOT NULL,
  origin TEXT NOT NULL, created_at REAL NOT NULL, until REAL NOT NULL, deleted_at REAL,
  events INTEGER NOT NULL, evidence TEXT NOT NULL, simulated INTEGER NOT NULL);
CREATE INDEX decisions_value ON decisions(value);
CREATE INDEX decisions_deleted ON decisions(deleted_at);
INSERT INTO decisions VALUES (1, '203.0.113.7', 'ip', 'ban', 3600, 's', 'r', 'shieldwall',
  1000, 4600, NULL, 3, '[]', 0);
INSERT INTO decisions VALUES (2, '203.0.113.8', 'ip', 'ban', 1e12, 's', 'r', 'shieldwall',
  1000, 1e12, 1500, 3, '[]', 0);
INSERT INTO decisions VALUES (3, '198.51.100.0/24', 'range', 'ban', 1e12, 's', 'r', 'cli',
  1000, 1e12, NULL, 0, '[]', 0);
"""


def test_a_decisions_file_made_before_the_change_sequence_is_migrated_in_place(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "decisions.db"
    with sqlite3.connect(path) as db:
        db.executescript(_OLD_SQLITE)
    store = DecisionStore(path)
    seqs = {d.id: seq for seq, d in store.changes_after(0)}
    # kept rows keep their id as seq; a deleted decision that would still be
    # active comes after them all, so a bouncer that pulled before learns of it
    assert seqs[1] == 1 and seqs[3] == 3 and seqs[2] > 3
    made = store.add(_decision("203.0.113.9", 2000.0))
    assert store.changes_after(store.last_seq() - 1)[0][1].id == made.id
    assert [d.value for d in store.active_networks(2000.0)] == ["198.51.100.0/24"]
    store.close()
    store = DecisionStore(path)  # a second open migrates nothing more
    assert {d.id: seq for seq, d in store.changes_after(0)} == {**seqs, made.id: seqs[2] + 1}
    store.close()


def test_a_burst_of_decisions_made_in_one_second_is_found_through_its_key(
    tmp_path: Path,
) -> None:
    """Before adding, a decision is looked up by (value, scenario, created_at): the
    lookup must search one index on all three, not walk every decision made in the
    same second (adding a burst of bans was quadratic). A file with the old
    single-column index gets the key on opening."""
    import sqlite3

    path = tmp_path / "decisions.db"
    with sqlite3.connect(path) as db:
        db.executescript(_OLD_SQLITE)
    store = DecisionStore(path)
    for n in range(50):
        store.add(_decision(f"203.0.113.{n}", 2000.0))
    store.close()
    with sqlite3.connect(path) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM decisions "
            "WHERE value = ? AND scenario = ? AND created_at = ?",
            ("203.0.113.7", "http-bruteforce", 2000.0),
        ).fetchall()
        indexes = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
    assert "decisions_key (value=? AND scenario=? AND created_at=?)" in plan[0][3]
    assert "decisions_value" not in indexes


def test_a_postgresql_table_made_before_the_change_sequence_is_migrated(
    store_location: str,
) -> None:
    if not is_shared(store_location):
        pytest.skip("the PostgreSQL table: the SQLite file has its own test")
    import psycopg

    with psycopg.connect(store_location, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE shieldwall_decisions (id BIGSERIAL PRIMARY KEY, value TEXT NOT NULL,"
            " scope TEXT NOT NULL, type TEXT NOT NULL, duration DOUBLE PRECISION NOT NULL,"
            " scenario TEXT NOT NULL, reason TEXT NOT NULL, origin TEXT NOT NULL,"
            " created_at DOUBLE PRECISION NOT NULL, until DOUBLE PRECISION NOT NULL,"
            " deleted_at DOUBLE PRECISION, events INTEGER NOT NULL, evidence TEXT NOT NULL,"
            " simulated BOOLEAN NOT NULL)"
        )
        conn.execute(
            "INSERT INTO shieldwall_decisions (value, scope, type, duration, scenario, reason,"
            " origin, created_at, until, deleted_at, events, evidence, simulated) VALUES"
            " ('203.0.113.7', 'ip', 'ban', 3600, 's', 'r', 'shieldwall', 1000, 4600, NULL, 3,"
            " '[]', false)"
        )
    store = DecisionStore(store_location)
    assert [(seq, d.value) for seq, d in store.changes_after(0)] == [(1, "203.0.113.7")]
    made = store.add(_decision("203.0.113.9", 2000.0))
    assert store.changes_after(1) == [(2, made)]
    store.close()
