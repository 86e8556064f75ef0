"""SQL injection shapes libinjection leaves: fragments that break out of a quoted
value or stack a statement, and words only SQL uses. Runs on decoded,
lower-cased text whose comments (`/*...*/`) became spaces."""

from __future__ import annotations

import re

from shieldwall.runtime.detect.gate import gated

_COMMENT = re.compile(r"/\*!?\d*|\*/")
_QUOTE = r"['\"`\u00b4\u2018\u2019]"

SQL_SHAPES = gated(
    # a quote (or a closing parenthesis after one) followed by SQL
    # (`union` and `select` with what follows them in SQL; alone, see _quote_then_union)
    _QUOTE + r"\s*\)*\s*(?:;|--|#|\|\||&&|(?:union\b[\s(]*(?:all|distinct|select)\b"
    r"|select\b[\s(]*(?:\*|@@|null\b|\d|[\w`.]+\s*(?:,|\bfrom\b|\()|$)|\(\s*select\s+top\s+\d|having|order\s+by|group\s+by|limit"
    r"|procedure|collate|into|rlike|regexp|glob|notnull|isnull|sounds\s+like|xor|div|alter"
    r"|truncate|shutdown|declare|waitfor"
    r"|(?:and|or|not)\s*\(|(?:and|or)\s+(?:not\s+)?(?:\w+\s*(?:=|<|>|!|\bis\b|\blike\b|\bin\b"
    r"|\bbetween\b|\bregexp\b|\bglob\b|\bsimilar\b|~|\()|true\b|false\b|null\b|exists\b"
    r"|" + _QUOTE + r"|\d|@|array\[|sleep|benchmark|email|user|pass|name|id\b|like\b))"
    r"(?:\b|(?<=\W)))"
    # a quote escaped for the query that the database reads as closing it
    r"|\\" + _QUOTE + r"\s*(?:or|and|xor|div|like|\|\||&&)(?:\b|(?<=\W))"
    # a value that is only an SQL operand: a list of numbers, a NULL test
    r"|^\s*(?:not\s+)?in\s*\(\s*-?\d+(?:\s*,\s*-?\d+)+\s*\)\s*$"
    r"|^\s*is\s+(?:not\s+)?null\s*$|\blike\s*" + _QUOTE + r"\s*$|\)\s*like\s*\("
    # a comparison of a number with itself, a condition in if()
    r"|(?:^|[^\w.])(\d+)\s*(?:=|<=>|\blike\b)\s*\1(?![\w.])|\b(?:i?if|elt)\s*\(\s*\d+\s*[=<>]"
    # a column alias before FROM, a FROM with a condition, VALUES and EXCEPT
    r"|(?:[`\"]|\d)\s*as\s*[`\"]\w*[`\"]?\s*from\b|[`\"]\s*as\s+\w+\s+from\b"
    r"|^\s*from\s+[\w`.]+\s+(?:where\s+[\w`.]+\s*(?:=|<|>|\(|\blike\b|\bin\s*\()|group\s+by"
    r"|order\s+by)|\bvalues\s*\(\s*(?:'[^']*'|\d+)\s*,|\bexcept\s+(?:values|select)\b"
    # functions that only read the database's own data, nested in each other
    r"|\b(?:ascii|ord|hex|unhex|length|lower|upper|char|concat|substr(?:ing)?|mid|cast|convert"
    r"|reverse)\s*\(\s*\(?\s*(?:ascii|ord|hex|substr(?:ing)?|mid|select|char|concat|cast|database"
    r"|user|version|@@)\b|\bcast\s*\(.{0,60}?\bas\s+(?:n?(?:var)?char|int|integer|signed|unsigned"
    r"|numeric|decimal|binary)\b|\bconvert\s*\(.{0,80}?\busing\s+\w+\s*\)"
    r"|\bmatch\s*\(.{0,60}?\)\s*against\s*\(|\bprocedure\s+analyse\s*\(|\bexecute\s+immediate\b"
    r"|\bexec(?:ute)?\s*\(?\s*(?:sp_|xp_|master\.|@)|dbms_\w+\.|\brandomblob\s*\(|sqlite_version"
    r"|\b(?:msysaccessobjects|msysobjects|pg_user|pg_shadow|all_tables|user_tables|sysibm"
    r"|sys\.databases|mysql\.db|sqlite_schema)\b|\bcharacter\s+set\b.{0,20}?\b(?:alter|convert)\b"
    r"|\b(?:alter|convert)\b.{0,60}?\bchar(?:acter)?\s+set\b"
    # a condition on constants in parentheses or after && / ||
    r"|\b(?:and|or|xor|having|where)\s*\(\s*(?:\d+|'\w*'|\"\w*\")\s*(?:=|<|>|<>|!=|\blike\b)"
    r"|(?:&&|\|\|)\s*\(?\s*(?:\d+|'\w*'|\"\w*\")\s*(?:=|<|>|<>|!=)\s*(?:\d+|'\w*'|\"\w*\")"
    # MongoDB operators in a parameter name or a JSON key
    r"|\[\s*\$(?:ne|eq|gt|gte|lt|lte|regex|where|in|nin|exists|expr|or|and|not)\s*\]"
    r"|^\$(?:ne|eq|gt|gte|lt|lte|regex|where|nin|exists|expr|function)$|\$where\b"
    r"|[{,]\s*[\"']\$(?:ne|eq|gt|gte|lt|lte|regex|nin|exists|expr|or|and|not)[\"']\s*:"
    # a condition joined to MongoDB's `$where` JavaScript (`1||this.x`)
    r"|(?:\|\||&&)\s*this\.\w"
    # numbers that overflow an integer or a float column (a probe), MySQL's 1.e(
    r"|^\s*-?(?:2147483648|4294967295|4294967296|9223372036854775807|9223372036854775808"
    r"|18446744073709551615|18446744073709551616|2\.2250738585072011e-308|1e309)\s*$"
    r"|(?:^|\W)\d+\.e\d*\s*(?:[()]|\bunion\b|\bselect\b|\bfrom\b)"
    # JSON operators and functions of SQL databases
    r"|::\s*jsonb?\b|\bjson_(?:extract|keys|array_length|each|value|query)\s*\(|\bjsonb_\w+\s*\("
    r"|->>?\s*'[^']*'\s*(?:=|<|>|\bis\b|\blike\b|\))"
    # conditions, procedures and file access of one dialect or another
    r"|\bi?if\s*\(\s*\(?\s*(?:select|ascii|substr(?:ing)?|length|mid|ord)\b"
    r"|\bsleep\s*\(\s*(?:@|\(|select\b)|\bmerge\s+into\s+[\w`.]+\s+using\b|\bdeclare\s+@\w+"
    r"|\bin\s*\(\s*select\b[^)]{0,80}?\bfrom\b|\bgroup\s+by\b.{0,60}?\bhaving\s+(?:count|sum|min|max"
    r"|avg|\d|\w+\s*[=<>])|\bload\s+data\s+(?:local\s+)?infile"
    r"|\b(?:sp_password|sp_makewebtask|utl_file|dbms_java|xp_regread|xp_dirtree|xp_fileexist"
    r"|openrowset|opendatasource)\b"
    # PostgreSQL casts and overlay()
    r"|\)::(?:int|integer|bigint|text|varchar|numeric|bool)\b|\boverlay\s*\(.{0,80}?\bplacing\b"
    # union select, stacked statements
    r"|\bunion\b[\s(]*(?:all|distinct|distinctrow)?[\s(]*select\b"
    # a union with a row of values (MySQL 8's `UNION ALL VALUES ROW(NULL,...)`)
    r"|\bunion\s+(?:all\s+)?values\s*(?:row\s*)?\(\s*(?:null|\d+|0x)"
    # (a statement, not the same word in a sentence: "; drop-off", "; select a size")
    r"|;\s*(?:select\b[\s(]*(?:\*|@@|null\b|\d+\s*(?:,|--|#|$|\bfrom\b|\bunion\b)"
    r"|[\w`.]+\s*(?:,\s*[\w`.]+\s*)*\bfrom\b|\w+\s*\()|insert\s+into\b|update\s+[\w`.]+\s+set\b"
    r"|delete\s+from\b|drop\s+(?:\w+\s+)?(?:table|database|schema|view|function|procedure|user"
    r"|index)\b|truncate\s*(?:table\b|[\[`\"(])|truncate\s+[\w`.]+\s*(?:;|--|#|$)|alter\s+(?:table|database|user|system)\b"
    r"|create\s+(?:table|function|procedure|user|database|view|trigger|or\s+replace)\b"
    r"|replace\s+into\b|declare\s+@|exec(?:ute)?\s*(?:\(|@|sp_|xp_|master\b|immediate\b)"
    r"|shutdown\s*(?:--|#|;|$|with\b)|set\s+@|prepare\s+\w+\s+from\b|grant\s+\w+\s+on\b"
    r"|rename\s+(?:table|user)\b)"
    r"|^[\s/;)]*(?:insert\s+into|update\s+\w+\s+set|delete\s+from|declare\s+@|set\s+@"
    r"|drop\s+(?:table|database|function|procedure|view)|prepare\s+\w+\s+from"
    r"|create\s+(?:table|function|procedure|user|database|view|trigger))"
    # words and functions only SQL has
    r"|\b(?:information_schema|sqlite_master|pg_catalog|pg_sleep|mysql\.user|sysobjects"
    r"|syscolumns|xp_cmdshell|sp_executesql|sp_oacreate|utl_inaddr|utl_http|dbms_pipe"
    r"|dbms_xmlgen|load_file|into\s+(?:out|dump)file|benchmark\s*\(|sleep\s*\(\s*\d"
    r"|waitfor\s+(?:delay|time)|extractvalue\s*\(|updatexml\s*\(|group_concat\s*\("
    r"|concat_ws\s*\(|make_set\s*\(|lo_get\s*\(|lo_import|pg_read_file|current_user\s*\("
    r"|exec\s+master\.|char\s*\(\s*\d+\s*[,)])"
    # the server's own variables, functions a UDF library adds, grouping by position
    r"|(?<![\w@])@@(?:version|datadir|hostname|basedir|servername|spid|language|tmpdir|port"
    r"|microsoftversion|global\.|session\.|innodb_|secure_file_priv|plugin_dir)"
    r"|\b(?:sys_eval|sys_exec|sys_get|sys_set|lib_mysqludf_\w+|do_system)\s*\("
    # errors that print a value: floor(rand()), exp(~x), spatial functions over a subquery
    r"|\bfloor\s*\(\s*rand\s*\(|\bexp\s*\(\s*~|\b(?:geometrycollection|multipoint|polygon"
    r"|multipolygon|linestring|multilinestring)\s*\(\s*\(?\s*select\b|\bgtid_subset\s*\("
    r"|\bst_latfromgeohash\s*\(|\bxmltype\s*\(|\bctxsys\.|\bdbms_lock\.sleep\b"
    # catalogues of Oracle, SQL Server and PostgreSQL
    r"|\b(?:all_users|dba_users|v\$version|all_tab_columns|user_tab_columns|sysdatabases"
    r"|sys\.(?:objects|tables|columns|sql_logins)|pg_database|pg_tables|pg_shadow)\b"
    r"|\bcurrent_setting\s*\("
    # functions only SQL dialects have (no English word, no common language's function)
    r"|\b(?:char_length|octet_length|bit_length|str_to_date|from_base64|to_base64|unhex|lpad"
    r"|rpad|ifnull|nullif|nvl2?|to_char|to_number|find_in_set|export_set|soundex|last_insert_id"
    r"|row_count|found_rows|connection_id|session_user|system_user|sys_context|userenv"
    r"|coercibility|inet_aton|inet_ntoa|master_pos_wait|get_lock|release_lock|is_free_lock"
    r"|is_used_lock|name_const|uncompress|aes_decrypt|des_decrypt|old_password|pg_ls_dir"
    r"|pg_stat_file|pg_backend_pid|pg_client_encoding|txid_current|quote_ident|quote_literal"
    r"|has_database_privilege|db_name|host_name|suser_sname|is_srvrolemember|is_member"
    r"|object_id|object_name|col_name|serverproperty|fn_varbintohexstr|openquery|openxml"
    r"|sql_variant_property|sqlite_compileoption_used|load_extension|zeroblob|last_insert_rowid"
    r"|schema_name|current_database|current_schema|getpgusername|lo_from_bytea|lo_export"
    r"|json_objectagg|json_arrayagg|inet_server_addr|inet_client_addr|pg_postmaster_start_time"
    r"|pg_is_in_recovery|pg_read_binary_file|pg_sleep_for|pg_sleep_until|dblink|dblink_connect"
    r"|dblink_exec|dblink_send_query|has_dbaccess|json_depth|json_length|query_to_xml"
    r"|database_to_xml|table_to_xml|query_to_xml_and_xmlschema)\s*\("
    # MySQL's geometry constructors given a query, for its error to show the result (a
    # map's `POLYGON((30 10, ...))` is no query)
    r"|\b(?:geometrycollection|multipoint|polygon|linestring|multilinestring|multipolygon)"
    r"\s*\(\s*\(*\s*select\b"
    # databases and system tables of one server or another
    r"|\b(?:sqlite_temp_master|pg_toast|msysaccessstorage|msysaccessxml|msysmodules2?"
    r"|msysqueries|msysrelationships|sysaux)\b|\bmaster\.\.sys\w+|\b(?:msdb|tempdb)\.\.?\w"
    # union before select with only punctuation between them (`union(!select`,
    # `union-- x\nselect`), a condition in having, MongoDB's other operators
    r"|\bunion[^a-z]+(?:(?:all|distinct|distinctrow)[^a-z]+)?select\b"
    r"|\bhaving\s+[\w'\"`()]+\s*(?:=|<|>|!=|<>|\blike\b)\s*[\d'\"(@]"
    r"|\[\s*\$(?:mod|all|size|type|slice|xor|nor|elemmatch|text|jsonschema)\s*\]"
    r"|\bdeclare\W+[@#]\s*\w|\b(?:group|order)\s+by\s+\d+(?:\s*,\s*\d+)*\s*(?:--|#|;|$)|(?:\d|['\"])\s*\bxor\s+(?:\d|['\"(])"
    r"|\bselect\b[\s(]+(?:\*|@@|null\b|0x[0-9a-f]+\b|count\s*\(|concat|char\s*\(|case\b|if\s*\(|\d+\s*,"
    r"|[\w`.]+\s*(?:,\s*[\w`.]+\s*)*\bfrom\b)"
    r"|\bselect\s*\(\s*(?:case|if|sleep|select)\b"
    r"|\bcase\s+when\b.{0,80}?\bthen\b|\bwhen\s+\d+\s+then\b"
    r"|\b(?:and|or|having|where)\s+(?:not\s+)?(?:\d+|'\w*'|\"\w*\")\s*(?:=|<|>|like)\s*(?:\d+|'\w*'|\"\w*\")"
    r"|\bhaving\s+count\s*\(|\border\s+by\s+(?:\d+\s*(?:--|#|$)|if\s*\(|\(?\s*select\b)"
    r"|\binsert\s+into\b.{0,120}?\bvalues\s*\(|\binto\s+\w+\s*\(.{0,80}\)\s*values\b"
    r"|\bfrom\s+(?:dual|`information_schema`)\b|\blike\s+null\b|\bis\s+not\s+null\s*\)"
    r"|'[^']{0,40}'\s*(?:!=|<>|=)\s*'|\"[^\"]{0,40}\"\s*(?:!=|<>|=)\s*\"|\bhaving\s+\d+\s*="
    r"|\b(?:database|user|version|schema|current_user|session_user|system_user)\s*\(\s*(?:\)|$)"
    # a condition always true (`or x=x`), or ended by a comment; the session's own user
    r"|\b(?:or|and)\s+([a-z_]\w*)\s*=\s*\2(?![\w.(]|-(?!-))|\bor\s+(?:true|\w+\s*=\s*\w+)\s*(?:--|#)"
    r"|\bselect\s+(?:current_user|session_user|system_user)\b"
    # accounts and backups of Oracle and SQL Server, an INSERT's value list closed early
    r"|['\";]\s*create\s+user\s+\S+\s+identified\s+by\b"
    r"|\bidentified\s+by\s+\S+\s+(?:temporary|default)\s+tablespace\b|\bbackup\s+(?:database|log)\s+\S+\s+to\s+disk"
    r"|;\s*grant\s+\w+\s+to\s+\w+\s*(?:;|--|#|$)|" + _QUOTE + r"\s*\)*\s*,\s*null\s*[,)]"
    # a tautology with no space around `or` (`1or1=1`), or opening a parenthesis
    # (`) or (a=a`); SQL Server's PRINT of a server variable
    r"|\d(?:or|and)(\d+)=\3(?![\w.])|\)\s*or\s*\(\s*([a-z_]\w*|\d+)\s*=\s*\4\b"
    r"|\bprint\s+@@\w"
    # statements run from a string, PostgreSQL's COPY to a program, SQLite's ATTACH of a
    # file, a window function, Cassandra's ALLOW FILTERING after a quote, a function made
    r"|\bexec(?:ute)?\s*\(\s*'+\s*(?:exec(?:ute)?|create|select|insert|update|delete|drop|alter"
    r"|declare|sp_|xp_)\b|\bcopy\b.{0,200}?\b(?:to|from)\s+program\s*['\"$]"
    r"|\battach\s+(?:database\s+)?['\"][^'\"]{1,200}['\"]\s+as\b|\brow_number\s*\(\s*\)\s*over\s*\("
    r"|" + _QUOTE + r"\s*allow\s+filtering\b|^[\s/;)]*create\s+or\s+replace\s+function\b"
    r"|\brestore\s+(?:log|database|headeronly|filelistonly|labelonly|rewindonly|verifyonly)\b"
    r".{0,80}?\bfrom\s+disk\s*="
    r"|\b(?:len|datalength)\s*\(\s*\(?\s*select\s+(?:top\s+\d|\*|@@|[\w`.]+\s*(?:,|\bfrom\b))"
    # a quoted word compared with itself (`'a'='a`, `'text' = n'text'`), an empty string
    # equal to a condition (`'='or'`)
    r"|(?P<q>['\"])(?P<word>\w*)(?P=q)\s*(?:=|<=>|\blike\b)\s*n?(?P=q)(?P=word)(?:(?P=q)|\s*$)"
    r"|"
    + _QUOTE
    + r"\s*=\s*"
    + _QUOTE
    + r"\s*(?:or|\|\|)\s*"
    + _QUOTE
    # a condition on a constant, then a comment that drops the rest of the query (at the
    # value's end: `1 or 2 -- either` is prose)
    + r"|(?:^|[\s)])(?:or|and)\s+(?:\d+|true|false)\s*--[\s'\"]*$"
    # MongoDB operators as the keys of a query object written without quotes
    r"|[{,]\s*\$(?:ne|eq|gt|gte|lt|lte|regex|where|in|nin|exists|expr|or|and|not|nor|comment)\s*:"
    # a number or a row limit, then a comment that drops the rest (`417652--`, `limit 0,1--`)
    r"|^\s*(?:\d+|limit\s+\d+\s*,\s*\d+)\s*--\s*$"
    # a NULL test joined by `||`/`&&` that ends the value, a whole CASE expression
    r"|(?:\|\||&&)\s*[\w`.]+\s+is\s+(?:not\s+)?null\s*(?:$|--|#|\))"
    r"|\bcase\s+(?:\w+\s+)?when\s+[\w'\"()=<>!.\s]{1,60}?\s+then\s+[\w'\"().-]{1,40}\s+"
    r"(?:else\s+[\w'\"().-]{1,40}\s+)?end\b"
    # a look-alike quote a database's character set turns into the ASCII one (U+02BC, the
    # modifier letter apostrophe: `1<U+02BC> or`; the full-width one is already ASCII once
    # decoded), and a prime (U+2032) closing a value before a condition (`1<U+2032>) and`)
    r"|\u02bc\s*\)*\s*(?:or|and|union|;|--|#)(?:\b|(?<=\W))|\u2032\s*\)+\s*(?:and|or)\b"
)


# A line comment ended by a newline inside a statement (`union#x\nselect`, `or--\n1=1`).
_LINE_COMMENT = gated(r"(?:#|--)[^\n]{0,100}\n")


_QUOTE_UNION = gated(_QUOTE + r"\s*\)*\s*(?:union|select)\b")


def _quote_then_union(lowered: str) -> bool:
    """A quote that closes a value before `union`/`select` (`1'union`, `' union/`, an
    unmatched `'UNION A`), not one that opens a phrase (`the "union jack"`)."""
    for match in _QUOTE_UNION.finditer(lowered):
        at = match.start()
        quote = lowered[at]
        before = lowered[at - 1] if at else ""
        if (
            before.isalnum()
            or before == ")"
            or lowered[at + 1].isspace()
            or quote not in lowered[at + 1 :]
        ):
            return True
    return False


_EMPTY_COMMENT = re.compile(r"/\*\*/")
# A hex literal long enough to hold a statement (`0x77616974666f72...`, SQL Server's
# `DECLARE @q ...; SET @q=0x...; EXEC(@q)`), in ASCII or UTF-16.
_HEX_LITERAL = gated(r"\b0x((?:[0-9a-f]{2}){8,})\b")


def _hex_text(lowered: str) -> bool:
    """A hex literal that spells printable text holding an SQL shape."""
    for digits in _HEX_LITERAL.findall(lowered):
        raw = bytes.fromhex(digits)
        if not any(raw[1::2]):
            raw = raw[::2]  # UTF-16 little endian, as SQL Server's nvarchar
        if raw.isascii() and all(32 <= b < 127 for b in raw):
            text = raw.decode("ascii").lower()
            if SQL_SHAPES.search(text) or _quote_then_union(text):
                return True
    return False


# Control characters SQL Server and MySQL read as blanks (`%01`-`%0f` for a space, and
# line breaks, which end no condition), a comment with no letter in it (`/**_**/`), and
# `%` before every character, which classic ASP drops (`%S%E%L%E%C%T`): undone, the
# shape is judged again.
_CONTROL_BLANK = re.compile(r"[\x01-\x08\n\r\x0e-\x1b]")
_PUNCT_COMMENT = re.compile(r"/\*[^a-z0-9/]{0,20}\*/")
_LONE_PERCENT = re.compile(r"%(?![0-9a-f]{2})(?=[^%\s])")


_DISGUISE_HINT = re.compile(r"[\x01-\x08\n\r\x0e-\x1b%]|/\*")


def _disguised(lowered: str) -> str | None:
    if _DISGUISE_HINT.search(lowered) is None:
        return None
    text = lowered
    if _CONTROL_BLANK.search(text):
        text = _CONTROL_BLANK.sub(" ", text)
    if "/*" in text:
        text = _PUNCT_COMMENT.sub(" ", text)
    if text.count("%") >= 6 and len(_LONE_PERCENT.findall(text)) >= 6:
        text = _LONE_PERCENT.sub("", text)
    return text if text != lowered else None


def sql_shape(lowered: str) -> bool:
    if (disguised := _disguised(lowered)) is not None and _sql_shape(disguised):
        return True
    return _sql_shape(lowered)


def _sql_shape(lowered: str) -> bool:
    if "/*" in lowered:
        if "/*!" in lowered:  # MySQL runs what this comment holds: no other text has it
            return True
        # an empty comment splitting a keyword (`uni/**/on sel/**/ect`) for a filter
        # that drops comments
        if "/**/" in lowered and SQL_SHAPES.search(_EMPTY_COMMENT.sub("", lowered)):
            return True
        lowered = _COMMENT.sub(" ", lowered)
    if SQL_SHAPES.search(lowered) is not None or _quote_then_union(lowered):
        return True
    if "0x" in lowered and _hex_text(lowered):
        return True
    return "\n" in lowered and (SQL_SHAPES.search(_LINE_COMMENT.sub(" ", lowered)) is not None)
