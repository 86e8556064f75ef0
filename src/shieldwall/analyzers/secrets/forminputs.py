"""Passwords a web page's form fills in: an `<input>` whose name is a password's
(`name="dbpass"`, `name="password"`) and whose `value="..."` is a literal, the
default an installer or a login form offers (`value="root"`). The keyword rules
pair a key with the value beside it; here the key and the value are two
attributes of one element, in either order, with others between them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.secrets import generic
from shieldwall.analyzers.secrets.names import credential_kind
from shieldwall.analyzers.secrets.verdicts import severity
from shieldwall.model import Severity

# every file with a form field holds one of them (HTML as written: lower or upper
# case): the scanner's prefilter looks for them in its one pass over a file, and
# `passwords` is called only where one stands
GATES = (b"<input", b"<INPUT", b"<Input")
_INPUT = re.compile(r"(?i)<input\b[^<>]{0,600}>")
_ATTR = re.compile(r"""(?i)\s(?P<name>name|value)\s*=\s*(?P<q>["'])(?P<v>[^"'<>\n]{1,200})(?P=q)""")


def passwords(data: bytes, test_path: bool) -> Iterator[tuple[int, str, str, Severity]]:
    """(line, field name, value, severity) of each password field's literal default."""
    text = data.decode("utf-8", "replace")
    for m in _INPUT.finditer(text):
        attrs = {a.group("name").lower(): a.group("v") for a in _ATTR.finditer(m.group())}
        name, value = attrs.get("name"), attrs.get("value")
        if name is None or value is None or credential_kind(name) != "password":
            continue
        if any(c.isspace() for c in value):  # a hint in the field (`value="Hint: ..."`)
            continue
        hit = generic.judge(name, value)
        if hit is not None and not hit.reason:  # no template, placeholder or label
            yield text.count("\n", 0, m.start()) + 1, name, value, severity(hit, test_path)
