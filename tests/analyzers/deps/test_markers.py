"""Environment markers evaluated for a target Python: a package's own marker,
and the markers on the dependency edges that lead to it."""

from __future__ import annotations

import pytest

from shieldwall.analyzers.deps import markers
from shieldwall.errors import UsageError
from shieldwall.model import Component


def _c(name: str, *, marker: str = "", deps: dict[str, str] | None = None) -> Component:
    edges = deps or {}
    return Component(
        "PyPI",
        name,
        "1.0",
        "poetry.lock",
        1,
        f"pkg:pypi/{name}@1.0",
        dependencies=tuple(f"pkg:pypi/{d}@1.0" for d in edges),
        marker=marker,
        dependency_markers=tuple((f"pkg:pypi/{d}@1.0", m) for d, m in edges.items() if m),
    )


def _names(components: list[Component], python: str) -> set[str]:
    kept, _ = markers.select(components, markers.target(python))
    return {c.name for c in kept}


def test_target_replaces_the_version_and_keeps_the_platform() -> None:
    env = markers.target("3.10")
    assert env.values["python_version"] == "3.10"
    assert env.values["python_full_version"] == "3.10.0"
    assert markers.target("3.9.18").values["python_full_version"] == "3.9.18"
    assert env.values["sys_platform"] == markers.target().values["sys_platform"]
    with pytest.raises(UsageError):
        markers.target("latest")


def test_marker_that_does_not_parse_keeps_the_component() -> None:
    env = markers.target("3.12")
    assert markers.holds("", env)
    assert markers.holds("python_version <<< 'x", env)
    assert not markers.holds('python_version < "3"', env)
    assert markers.holds('python_version < "3"', markers.target("2.7"))


def test_a_dependency_reached_only_through_false_edges_goes_with_its_subtree() -> None:
    components = [
        _c("black", deps={"tomli": 'python_version < "3.11"', "click": ""}),
        _c("click"),
        _c("tomli", deps={"tomli-helper": ""}),
        _c("tomli-helper"),
    ]
    assert _names(components, "3.12") == {"black", "click"}
    assert _names(components, "3.10") == {"black", "click", "tomli", "tomli-helper"}


def test_a_dependency_also_required_unconditionally_stays() -> None:
    components = [
        _c("a", deps={"shared": 'python_version < "3.11"'}),
        _c("b", deps={"shared": ""}),
        _c("shared"),
    ]
    assert _names(components, "3.12") == {"a", "b", "shared"}


def test_own_marker_and_count_of_left_out() -> None:
    components = [_c("futures", marker='python_version < "3"'), _c("six")]
    kept, left_out = markers.select(components, markers.target("3.12"))
    assert [c.name for c in kept] == ["six"] and left_out == 1
