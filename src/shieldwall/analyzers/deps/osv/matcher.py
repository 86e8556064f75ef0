"""Matching components against the local database: what the deps analyzer calls.

One ``Advisory`` per vulnerability per package: records that name each other
as aliases (a PYSEC record and the GHSA for the same flaw) are merged; the
merged advisory's id is the smallest of its record ids (stable as long as the
database is), the other ids become its aliases, and its severity is the
highest of its records'. Withdrawn records never match.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

from shieldwall.analyzers.deps.osv.location import default_database_path
from shieldwall.analyzers.deps.osv.names import base_ecosystem, normalise_name
from shieldwall.analyzers.deps.osv.ranges import Verdict, evaluate
from shieldwall.analyzers.deps.osv.severity import record_severity
from shieldwall.analyzers.deps.osv.store import Database, DatabaseError
from shieldwall.analyzers.deps.osv.versions import Comparable, InvalidVersionError
from shieldwall.analyzers.deps.osv.versions import comparator_for as _comparator_for
from shieldwall.model import Component, Settings, Severity
from shieldwall.model.display import shorten
from shieldwall.model.settings import DEFAULT_MAX_DB_AGE_DAYS, age_text

STALE_AFTER_DAYS = DEFAULT_MAX_DB_AGE_DAYS
# An advisory without a summary is told by the first line of its details, up to this long.
SUMMARY_CHARS = 200
NO_DATABASE = "no vulnerability database: run `shieldwall db update`"
_REQUIRED_HINT = (
    "run `shieldwall db update` (`--source MIRROR` behind an air gap); to scan without "
    "checking for known vulnerabilities, give --offline or set `deps: {require_db: false}` "
    "in the config"
)


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity
    cvss_vector: str | None
    # Versions that fix it, later than the matched component's, lowest first.
    fixed_versions: tuple[str, ...]
    references: tuple[str, ...]
    modified: str
    withdrawn: str | None = None
    # The lowest version that fixes every merged record (None: no fix known).
    upgrade_to: str | None = None
    details: str = ""
    published: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


class VulnerabilityMatcher(Protocol):
    def match(self, components: Sequence[Component]) -> Iterator[tuple[Component, Advisory]]: ...


@dataclass(frozen=True, slots=True)
class _Hit:
    record_id: str
    body: Mapping[str, Any]
    verdict: Verdict


def _no_order(text: str) -> Comparable:
    raise InvalidVersionError(f"no ordering for {text!r}")


@lru_cache(maxsize=200_000)
def _parse(ecosystem: str, text: str) -> Comparable:
    parser = _comparator_for(ecosystem)
    if parser is None:
        return _no_order(text)
    try:
        return parser(text)
    except InvalidVersionError:
        raise
    except (ValueError, TypeError) as exc:
        raise InvalidVersionError(str(exc)) from None


class DatabaseMatcher:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._names: dict[str, frozenset[str]] = {}
        self._bodies: dict[str, dict[str, Any]] = {}
        self._severities: dict[str, tuple[Severity, str | None]] = {}
        self._parsers: dict[str, Callable[[str], Comparable]] = {}

    def match(self, components: Sequence[Component]) -> Iterator[tuple[Component, Advisory]]:
        for component in components:
            if not component.version:
                continue
            for advisory in self.advisories_for(component):
                yield component, advisory

    def advisories_for(self, component: Component) -> list[Advisory]:
        ecosystem = base_ecosystem(component.ecosystem)
        name = normalise_name(ecosystem, component.name)
        if ecosystem not in self._names:
            self._names[ecosystem] = self.database.names(ecosystem)
        if name not in self._names[ecosystem]:
            return []

        parse = self._parsers.get(ecosystem)
        if parse is None:
            parse = self._parsers[ecosystem] = partial(_parse, ecosystem)

        hits: list[_Hit] = []
        for record_id, blob in self.database.records(ecosystem, name):
            body = self._bodies.get(record_id)
            if body is None:
                body = self._bodies[record_id] = self.database.body(record_id, blob)
            if body.get("withdrawn"):
                continue
            verdict = _record_verdict(body, ecosystem, name, component.version, parse)
            if verdict.affected:
                hits.append(_Hit(record_id, body, verdict))
        return [self._merge(group, parse) for group in _alias_groups(hits)]

    def _severity(self, record_id: str, body: Mapping[str, Any]) -> tuple[Severity, str | None]:
        if record_id not in self._severities:
            self._severities[record_id] = record_severity(body)
        return self._severities[record_id]

    def _merge(self, group: list[_Hit], parse: Any) -> Advisory:
        group.sort(key=lambda h: h.record_id)
        primary = group[0]
        ids: dict[str, None] = {}
        references: dict[str, None] = {}
        fixes: list[str] = []
        needed: list[str] = []
        unfixed = False
        for hit in group:
            ids[hit.record_id] = None
            for alias in hit.body.get("aliases") or ():
                if isinstance(alias, str):
                    ids[alias] = None
            for ref in hit.body.get("references") or ():
                url = ref.get("url") if isinstance(ref, Mapping) else None
                if isinstance(url, str):
                    references[url] = None
            fixes.extend(hit.verdict.fixed)
            if hit.verdict.fixed:
                needed.append(_lowest(hit.verdict.fixed, parse))
            else:
                unfixed = True
        rated = [(self._severity(h.record_id, h.body), h) for h in group]
        (severity, vector), _ = max(rated, key=lambda item: item[0][0].rank)
        summary = next((str(h.body["summary"]) for h in group if h.body.get("summary")), "")
        details = next((str(h.body["details"]) for h in group if h.body.get("details")), "")
        ordered_fixes = _sorted_versions(dict.fromkeys(fixes), parse)
        upgrade_to = None if unfixed or not needed else _highest(needed, parse)
        return Advisory(
            id=primary.record_id,
            aliases=tuple(sorted(i for i in ids if i != primary.record_id)),
            summary=summary or shorten(details.strip().split("\n", 1)[0], SUMMARY_CHARS),
            severity=severity,
            cvss_vector=vector,
            fixed_versions=tuple(ordered_fixes),
            references=tuple(references),
            modified=max(str(h.body.get("modified", "")) for h in group),
            withdrawn=None,
            upgrade_to=upgrade_to,
            details=details,
            published=str(primary.body.get("published", "")),
        )


def _record_verdict(
    body: Mapping[str, Any], ecosystem: str, name: str, version: str, parse: Any
) -> Verdict:
    affected = False
    fixed: list[str] = []
    for entry in body.get("affected") or ():
        package = entry.get("package") or {}
        eco, pkg = package.get("ecosystem"), package.get("name")
        if not isinstance(eco, str) or not isinstance(pkg, str):
            continue
        if base_ecosystem(eco) != ecosystem or normalise_name(eco, pkg) != name:
            continue
        verdict = evaluate(entry, version, parse)
        if verdict.affected:
            affected = True
            fixed.extend(verdict.fixed)
    return Verdict(affected, tuple(dict.fromkeys(fixed)))


def _alias_groups(hits: list[_Hit]) -> list[list[_Hit]]:
    """Hits whose ids or aliases overlap, transitively, in one group."""
    parent = list(range(len(hits)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, hit in enumerate(hits):
        names = [hit.record_id, *(a for a in hit.body.get("aliases") or () if isinstance(a, str))]
        for name in names:
            if name in owner:
                parent[find(index)] = find(owner[name])
            else:
                owner[name] = index
    groups: dict[int, list[_Hit]] = {}
    for index, hit in enumerate(hits):
        groups.setdefault(find(index), []).append(hit)
    return sorted(groups.values(), key=lambda g: min(h.record_id for h in g))


def _sorted_versions(versions: Mapping[str, None], parse: Any) -> list[str]:
    try:
        return sorted(versions, key=parse)
    except (InvalidVersionError, TypeError):
        return sorted(versions)


def _lowest(versions: Sequence[str], parse: Any) -> str:
    return _sorted_versions(dict.fromkeys(versions), parse)[0]


def _highest(versions: Sequence[str], parse: Any) -> str:
    return _sorted_versions(dict.fromkeys(versions), parse)[-1]


def open_matcher(
    path: Path,
    now: datetime | None = None,
    max_age_days: float = STALE_AFTER_DAYS,
    required: bool = False,
) -> tuple[DatabaseMatcher | None, str]:
    """A matcher over the database at ``path``, and a warning ("" when none).

    A database that is there but unusable raises DatabaseError: a scan must not
    pass because its vulnerability data is broken. So does one that is missing,
    records no update or is older than ``max_age_days`` when ``required``;
    otherwise that is a warning (the scan goes on without it, or with old data)."""
    if not path.exists():
        if required:
            raise DatabaseError(
                f"no vulnerability database at {path}: dependencies cannot be checked "
                "for known vulnerabilities",
                _REQUIRED_HINT,
            )
        return None, NO_DATABASE
    database = Database(path)
    status = database.status()
    age = status.age_days(now or datetime.now(UTC))
    problem = ""
    if age is None:
        problem = f"the vulnerability database {path} records no update"
    elif age > max_age_days:
        problem = (
            f"the vulnerability database is {_age(age)} old (updated "
            f"{status.updated_at:%Y-%m-%d}, over the maximum of {age_text(max_age_days)})"
        )
    if problem and required:
        database.close()
        raise DatabaseError(problem, _REQUIRED_HINT + "; or raise --max-db-age")
    warning = problem and (
        f"{problem}: run `shieldwall db update` "
        "(or `shieldwall db update --source MIRROR` behind an air gap)"
    )
    return DatabaseMatcher(database), warning


def _age(days: float) -> str:
    return f"{int(days)} days" if days >= 2 else f"{days * 24:.0f} hours"


def open_default_matcher(
    settings: Settings, env: Mapping[str, str] | None = None
) -> tuple[VulnerabilityMatcher | None, str]:
    """The matcher over the default database ($SHIELDWALL_DB, else the XDG cache),
    required and no older than the settings say."""
    return open_matcher(
        default_database_path(os.environ if env is None else env),
        max_age_days=settings.max_db_age_days,
        required=settings.require_db,
    )
