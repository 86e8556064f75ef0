"""Uploads that would replace a server's own configuration or a user's shell
start-up files: a file name a site never takes from a visitor (`wp-config.php`,
`.htaccess`, `authorized_keys`), as a multipart file name or an upload header."""

from __future__ import annotations

import re

# The file names, compared lower-cased with white space taken out (`settings. php`).
_RESTRICTED = re.compile(
    r"(?:^|[/\\])(?:wp-config[\w.-]*|\.htaccess|\.htpasswd|\.user\.ini|php\.ini|web\.config"
    r"|settings\.php|localsettings\.php|configuration\.php|config\.inc\.php|\.boto|\.bashrc"
    r"|\.bash_profile|\.bash_login|\.profile|\.zshrc|authorized_keys2?|\.netrc|\.pgpass"
    r"|\.git-credentials|\.npmrc|\.pypirc)$"
)
# Headers that name an uploaded file (what upload libraries send).
UPLOAD_HEADERS = frozenset({"x-filename", "x_filename", "x-file-name", "x-upload-filename"})
_FILENAME = re.compile(r"\bfilename\s*=\s*\"([^\"]{1,256})\"", re.IGNORECASE)


def restricted_file_name(name: str) -> bool:
    return _RESTRICTED.search("".join(name.lower().split())) is not None


def multipart_file_names(body: str) -> list[str]:
    return _FILENAME.findall(body)
