"""SQL injection shapes libinjection leaves: fragments that break out of a quoted
value or stack a statement, and words only SQL uses. Runs on decoded,
lower-cased text whose comments (`/*...*/`) became spaces."""

from __future__ import annotations

import re

_COMMENT = re.compile(r"/\*!?\d*|\*/")
_QUOTE = r"['\"`\u00b4\u2018\u2019]"

SQL_SHAPES = re.compile(
    # a quote (or a closing parenthesis after one) followed by SQL
    _QUOTE + r"\s*\)*\s*(?:;|--|#|\|\||&&|(?:union|select|having|order\s+by|group\s+by|limit"
    r"|procedure|collate|into|rlike|regexp|glob|notnull|isnull|sounds\s+like|xor|div"
    r"|(?:and|or|not)\s*\(|(?:and|or)\s+(?:not\s+)?(?:\w+\s*(?:=|<|>|!|\bis\b|\blike\b|\bin\b"
    r"|\bbetween\b|\bregexp\b|\bglob\b|\bsimilar\b|~|\()|true\b|false\b|null\b|exists\b"
    r"|" + _QUOTE + r"|\d|@|array\[|sleep|benchmark|email|user|pass|name|id\b|like\b))\b)"
    # union select, stacked statements
    r"|\bunion\b[\s(]*(?:all|distinct|distinctrow)?[\s(]*select\b"
    r"|;\s*(?:select|insert|update|delete|drop|truncate|alter|create|replace|declare|exec"
    r"|execute|shutdown|set\s+@|prepare|grant|rename)\b"
    r"|^\s*(?:insert\s+into|update\s+\w+\s+set|delete\s+from|declare\s+@|set\s+@"
    r"|drop\s+(?:table|database|function|procedure|view)|prepare\s+\w+\s+from"
    r"|create\s+(?:table|function|procedure|user|database|view|trigger))"
    # words and functions only SQL has
    r"|\b(?:information_schema|sqlite_master|pg_catalog|pg_sleep|mysql\.user|sysobjects"
    r"|syscolumns|xp_cmdshell|sp_executesql|sp_oacreate|utl_inaddr|utl_http|dbms_pipe"
    r"|dbms_xmlgen|load_file|into\s+(?:out|dump)file|benchmark\s*\(|sleep\s*\(\s*\d"
    r"|waitfor\s+(?:delay|time)|extractvalue\s*\(|updatexml\s*\(|group_concat\s*\("
    r"|concat_ws\s*\(|make_set\s*\(|lo_get\s*\(|lo_import|pg_read_file|current_user\s*\("
    r"|@@(?:version|datadir|hostname|basedir)|exec\s+master\.|char\s*\(\s*\d+\s*[,)])"
    r"|\bselect\b[\s(]+(?:\*|@@|null\b|count\s*\(|concat|char\s*\(|case\b|if\s*\(|\d+\s*,"
    r"|[\w`.]+\s*(?:,\s*[\w`.]+\s*)*\bfrom\b)"
    r"|\bselect\s*\(\s*(?:case|if|sleep|select)\b"
    r"|\bcase\s+when\b.{0,80}?\bthen\b|\bwhen\s+\d+\s+then\b"
    r"|\b(?:and|or|having|where)\s+(?:\d+|'\w*'|\"\w*\")\s*(?:=|<|>|like)\s*(?:\d+|'\w*'|\"\w*\")"
    r"|\bhaving\s+count\s*\(|\border\s+by\s+(?:\d+\s*(?:--|#|$)|if\s*\(|\(?\s*select\b)"
    r"|\binsert\s+into\b.{0,120}?\bvalues\s*\(|\binto\s+\w+\s*\(.{0,80}\)\s*values\b"
    r"|\bfrom\s+(?:dual|`information_schema`)\b|\blike\s+null\b|\bis\s+not\s+null\s*\)"
    r"|'[^']{0,40}'\s*(?:!=|<>|=)\s*'|\"[^\"]{0,40}\"\s*(?:!=|<>|=)\s*\"|\bhaving\s+\d+\s*="
    r"|\b(?:database|user|version|schema|current_user|session_user|system_user)\s*\(\s*(?:\)|$)"
)


def sql_shape(lowered: str) -> bool:
    if "/*" in lowered:
        lowered = _COMMENT.sub(" ", lowered)
    return SQL_SHAPES.search(lowered) is not None
