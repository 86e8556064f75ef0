"""Signatures for the payload kinds libinjection does not cover. Each runs on
decoded, lower-cased text. Rule ids are stable: they appear in decisions."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signature:
    rule: str
    kind: str
    pattern: re.Pattern[str]
    fields: frozenset[str]  # which request parts it applies to


_VALUES = frozenset({"path", "query", "body"})
_ALL = frozenset({"path", "query", "body", "user_agent", "referer", "xff"})

_TRAVERSAL = re.compile(
    r"\.\.[/\\]|[/\\]\.\.(?:$|[/\\;])|(?:^|[/\\=:])(?:etc[/\\](?:passwd|shadow|group|hosts|issue)"
    r"|proc[/\\]self[/\\]|windows[/\\](?:win\.ini|system32)|boot\.ini|win\.ini)"
)
_CMD_WORDS = (
    r"(?:cat|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|ping|ls|echo|rm|chmod|"
    r"python[23]?|perl|php|ruby|powershell|cmd(?:\.exe)?|nslookup|sleep|ifconfig|ipconfig|"
    r"systeminfo|tftp|busybox|telnet|dig|whoami\.exe|net(?:\.exe)?\s+user|type|more|head|tail)"
)
_CMDI = re.compile(
    r"(?:[;&|`\n]|\$\(|\|\|)\s*(?:/\w+/)*" + _CMD_WORDS + r"(?:\b|\$)"
    r"|\$\{ifs\}|/bin/(?:ba|z|da)?sh\b|\bcmd(?:\.exe)?\s*/c\b|`[^`]*\b" + _CMD_WORDS + r"\b"
)
_SSRF = re.compile(
    r"(?:https?|gopher|dict|ftp|ldap|tftp|sftp)://(?:[^/@\s]*@)?\[?(?:169\.254\.\d+\.\d+"
    r"|metadata(?:\.google\.internal)?\b|100\.100\.100\.200|127\.\d+\.\d+\.\d+|localhost\b"
    r"|0\.0\.0\.0|0x7f[0-9a-f.]*|2130706433|017700000001|::1?\]|::ffff:|fd00:ec2::254|fe80:"
    r"|0(?:[:/]|$))|(?:^|[^\w])(?:file|gopher|dict|jar|netdoc)://"
)
_JNDI = re.compile(r"\$\{\s*jndi\s*:")
_JNDI_NESTED = re.compile(r"\$\{(?:lower:|upper:|::-|[a-z]+:[^:${}]*:-)([^${}]*)\}")
_SSTI = re.compile(
    r"\{\{.{0,200}?\}\}|\{%.{0,200}?%\}|\$\{\s*\d+\s*[*+/-]\s*\d+\s*\}|#\{.{0,200}?\}"
    r"|<%=.{0,200}?%>|\$\{.{0,200}?(?:getclass|forname|runtime|freemarker|new\s).{0,200}?\}"
    r"|\*\{.{0,200}?\}|@\(.{0,100}?\)"
)
_SCANNER = re.compile(
    r"sqlmap|nikto|\bnmap\b|masscan|zgrab|nuclei|dirbuster|gobuster|wpscan|acunetix|nessus"
    r"|openvas|w3af|havij|jaeles|feroxbuster|wfuzz|whatweb|netsparker|appscan|arachni"
    r"|skipfish|commix|zmeu|morfeus|\bdirb\b|fuzz faster u fool|burpcollaborator|joomscan"
    r"|xsstrike|\bhydra\b|brutus|nmap scripting engine|paros|webinspect|cgichk|grabber"
)

# What libinjection leaves to the browser: script URLs and handlers outside a tag.
_XSS_URI = re.compile(
    r"^\s*(?:javascript|vbscript|livescript)\s*:|(?:javascript|vbscript)\s*:\s*[\w.$]+\s*\("
    r"|\bon(?:error|load|mouseover|focus|click|toggle|begin|animationstart)\s*=\s*[\w.$'\"]+\s*\("
)

SIGNATURES: tuple[Signature, ...] = (
    Signature("RT-XSS", "xss", _XSS_URI, _VALUES),
    Signature("RT-TRAVERSAL", "path-traversal", _TRAVERSAL, _VALUES),
    Signature("RT-CMDI", "cmdi", _CMDI, _VALUES),
    Signature("RT-SSRF", "ssrf", _SSRF, frozenset({"query", "body"})),
    Signature("RT-SSTI", "ssti", _SSTI, _VALUES),
    Signature("RT-SCANNER", "scanner", _SCANNER, frozenset({"user_agent"})),
)


def jndi(text: str) -> bool:
    """`${jndi:` once `${lower:j}`-style lookups that spell it are undone."""
    if "${" not in text:
        return False
    for _ in range(8):
        folded = _JNDI_NESTED.sub(r"\1", text)
        if folded == text:
            break
        text = folded
    return _JNDI.search(text) is not None
