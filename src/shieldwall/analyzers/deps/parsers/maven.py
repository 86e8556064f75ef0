"""pom.xml: declared dependencies with ``${...}`` properties resolved from
``<properties>``, the project's coordinates, and the parent chain (parent POMs
found in the scanned tree through ``<relativePath>``, default ``../pom.xml``).
Versions left to ``<dependencyManagement>`` are looked up there too.

XML is parsed with defusedxml (no entities, no external DTDs); each element's
line comes from the expat parser as the element starts."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import LockFile, Parsed, broken, component
from shieldwall.errors import SourceError
from shieldwall.model import Component

KIND = "pom.xml"
MAX_PARENTS = 10
MAX_EXPANSIONS = 20
_PROPERTY = re.compile(r"\$\{([^}]+)\}")


class _LineBuilder(ET.TreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _parse_xml(text: str, path: str) -> tuple[ET.Element, dict[int, int]]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise broken(KIND, str(exc).split(":")[0], line) from exc
    except (ExpatError, DefusedXmlException) as exc:
        raise broken(KIND, f"refused XML construct in {path}: {exc}") from exc
    return root, builder.lines


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    for c in element:
        if isinstance(c.tag, str) and _local(c.tag) == name:
            return c
    return None


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and _local(c.tag) == name]


def _text(element: ET.Element | None, name: str) -> str:
    c = _child(element, name)
    return (c.text or "").strip() if c is not None else ""


@dataclass
class _Pom:
    path: str
    root: ET.Element
    lines: dict[int, int]


def _load_chain(lock: LockFile) -> list[_Pom]:
    """This POM and the parents found in the tree, nearest first."""
    chain: list[_Pom] = []
    path, text = lock.path, lock.text
    seen: set[str] = set()
    while len(chain) <= MAX_PARENTS and path not in seen:
        seen.add(path)
        try:
            root, lines = _parse_xml(text, path)
        except SourceError:
            if not chain:
                raise
            break  # a broken parent: resolve with what the children say
        chain.append(_Pom(path, root, lines))
        parent = _child(root, "parent")
        if parent is None:
            break
        has_relative = _child(parent, "relativePath") is not None
        relative = _text(parent, "relativePath") if has_relative else "../pom.xml"
        if not relative:
            break  # <relativePath/>: the parent comes from a repository
        if not relative.endswith(".xml"):
            relative = posixpath.join(relative, "pom.xml")
        parent_path = posixpath.normpath(posixpath.join(posixpath.dirname(path), relative))
        if parent_path.startswith("../"):
            break
        try:
            text = lock.read_related(parent_path)
        except SourceError:
            break
        path = parent_path
    return chain


def _properties(chain: list[_Pom]) -> dict[str, str]:
    props: dict[str, str] = {}
    for pom in reversed(chain):  # the child overrides its parents
        root = pom.root
        parent = _child(root, "parent")
        coords = {
            "groupId": _text(root, "groupId") or _text(parent, "groupId"),
            "artifactId": _text(root, "artifactId"),
            "version": _text(root, "version") or _text(parent, "version"),
        }
        for key, value in coords.items():
            if value:
                props[f"project.{key}"] = value
                props[f"pom.{key}"] = value
                props[key] = value
        for key in ("groupId", "artifactId", "version"):
            value = _text(parent, key)
            if value:
                props[f"project.parent.{key}"] = value
                props[f"parent.{key}"] = value
        for prop in _child(root, "properties") or []:
            if isinstance(prop.tag, str):
                props[_local(prop.tag)] = (prop.text or "").strip()
    return props


def _resolve(value: str, props: dict[str, str]) -> str:
    for _ in range(MAX_EXPANSIONS):
        if "${" not in value:
            return value
        new = _PROPERTY.sub(lambda m: props.get(m.group(1), m.group(0)), value)
        if new == value:
            break
        value = new
    return value


def _clean_version(version: str) -> str:
    """A concrete version, or "" for ranges and unresolved properties."""
    if not version or "${" in version or version[0] in "[(" or "," in version:
        return ""
    return version


def parse(lock: LockFile) -> Parsed:
    chain = _load_chain(lock)
    props = _properties(chain)
    managed: dict[str, str] = {}
    for pom in reversed(chain):
        management = _child(_child(pom.root, "dependencyManagement"), "dependencies")
        for dep in _children(management, "dependency"):
            group = _resolve(_text(dep, "groupId"), props)
            artifact = _resolve(_text(dep, "artifactId"), props)
            version = _resolve(_text(dep, "version"), props)
            if group and artifact and version:
                managed[f"{group}:{artifact}"] = version
    own = chain[0]
    components: list[Component] = []
    for dep in _children(_child(own.root, "dependencies"), "dependency"):
        line = own.lines.get(id(dep), 1)
        group = _resolve(_text(dep, "groupId"), props)
        artifact = _resolve(_text(dep, "artifactId"), props)
        if not group or not artifact:
            raise broken(KIND, "a <dependency> without groupId or artifactId", line)
        name = f"{group}:{artifact}"
        version = _resolve(_text(dep, "version"), props) or managed.get(name, "")
        scope = _text(dep, "scope")
        components.append(
            component(
                eco.MAVEN,
                name,
                _clean_version(version),
                lock.path,
                line,
                direct=True,
                scope="" if scope in ("", "compile") else scope,
            )
        )
    return Parsed(tuple(components))
