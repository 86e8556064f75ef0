"""Lock files of every format that records licences, hashes or markers, built
at test time with real digests (of made-up archive contents)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path


def sha256(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def sha1(seed: str) -> str:
    return hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()


def sha512(seed: str) -> str:
    return hashlib.sha512(seed.encode()).hexdigest()


def integrity(seed: str) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(seed.encode()).digest()).decode()


def go_h1(seed: str) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


def package_lock() -> str:
    return json.dumps(
        {
            "name": "web",
            "lockfileVersion": 3,
            "packages": {
                "": {"name": "web", "dependencies": {"express": "4.17.1", "dual": "1.0.0"}},
                "node_modules/express": {
                    "version": "4.17.1",
                    "integrity": integrity("express"),
                    "license": "MIT",
                    "dependencies": {"accepts": "~1.3.7"},
                },
                "node_modules/accepts": {
                    "version": "1.3.8",
                    "integrity": integrity("accepts"),
                    "license": {"type": "mit"},
                },
                "node_modules/dual": {
                    "version": "1.0.0",
                    "license": "(MIT OR Apache-2.0)",
                },
                "node_modules/own": {"version": "2.0.0", "license": "SEE LICENSE IN LICENSE.md"},
            },
        },
        indent=2,
    )


def composer_lock() -> str:
    return json.dumps(
        {
            "packages": [
                {
                    "name": "guzzlehttp/guzzle",
                    "version": "7.4.0",
                    "license": ["MIT"],
                    "dist": {"type": "zip", "shasum": sha1("guzzle")},
                    "require": {"php": ">=7.2", "guzzlehttp/psr7": "^2.1"},
                },
                {
                    "name": "guzzlehttp/psr7",
                    "version": "2.1.0",
                    "license": ["MIT", "Apache-2.0"],
                    "dist": {"type": "zip", "shasum": ""},
                },
            ],
            "packages-dev": [],
        },
        indent=4,
    )


def cargo_lock() -> str:
    return f"""version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde"]

[[package]]
name = "serde"
version = "1.0.190"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "{sha256("serde")}"
"""


def requirements() -> str:
    return f"""requests==2.31.0 \\
    --hash=sha256:{sha256("requests-whl")} \\
    --hash=sha256:{sha256("requests-sdist")}
futures==3.4.0 ; python_version < "3"
tomli==2.0.1; python_version < "3.11"
"""


def poetry_lock() -> str:
    return f"""[[package]]
name = "black"
version = "24.1.0"
description = ""
optional = false
python-versions = ">=3.8"
files = [
    {{file = "black-24.1.0.tar.gz", hash = "sha256:{sha256("black")}"}},
]

[package.dependencies]
click = ">=8.0.0"
tomli = {{version = ">=1.1.0", markers = "python_version < \\"3.11\\""}}

[[package]]
name = "click"
version = "8.1.7"
description = ""
optional = false
python-versions = ">=3.7"
files = [
    {{file = "click-8.1.7.tar.gz", hash = "sha256:{sha256("click")}"}},
]

[[package]]
name = "tomli"
version = "2.0.1"
description = ""
optional = false
python-versions = ">=3.7"
files = []

[metadata]
lock-version = "2.0"
python-versions = "^3.9"
content-hash = "{sha256("content")}"
"""


def uv_lock() -> str:
    sdist = f'hash = "sha256:{sha256("anyio-sdist")}"'
    wheel = f'hash = "sha256:{sha256("anyio-whl")}"'
    return f"""version = 1
requires-python = ">=3.9"

[[package]]
name = "anyio"
version = "4.7.0"
source = {{ registry = "https://pypi.org/simple" }}
dependencies = [
    {{ name = "exceptiongroup", marker = "python_full_version < '3.11'" }},
    {{ name = "idna" }},
]
sdist = {{ url = "https://files.example/anyio-4.7.0.tar.gz", {sdist}, size = 1 }}
wheels = [
    {{ url = "https://files.example/anyio-4.7.0-py3-none-any.whl", {wheel}, size = 1 }},
]

[[package]]
name = "app"
version = "0.1.0"
source = {{ virtual = "." }}
dependencies = [
    {{ name = "anyio" }},
]

[[package]]
name = "exceptiongroup"
version = "1.2.2"
source = {{ registry = "https://pypi.org/simple" }}

[[package]]
name = "idna"
version = "3.10"
source = {{ registry = "https://pypi.org/simple" }}
"""


def pdm_lock() -> str:
    return f"""[metadata]
groups = ["default"]

[[package]]
name = "rich"
version = "13.7.0"
groups = ["default"]
dependencies = [
    "typing-extensions>=4.0.0; python_version < \\"3.9\\"",
]
files = [
    {{file = "rich-13.7.0.tar.gz", hash = "sha256:{sha256("rich")}"}},
]

[[package]]
name = "typing-extensions"
version = "4.12.2"
groups = ["default"]
marker = "python_version < \\"3.9\\""
files = []
"""


def pipfile_lock() -> str:
    return json.dumps(
        {
            "_meta": {"pipfile-spec": 6},
            "default": {
                "django": {"version": "==3.2.0", "hashes": [f"sha256:{sha256('django')}"]},
                "pywin32": {"version": "==306", "markers": "sys_platform == 'win32'"},
            },
            "develop": {},
        },
        indent=4,
    )


def pylock() -> str:
    return f"""lock-version = "1.0"
created-by = "test"

[[packages]]
name = "attrs"
version = "23.2.0"
marker = "python_version >= '3.8'"

[[packages.wheels]]
url = "https://files.example/attrs-23.2.0-py3-none-any.whl"
hashes = {{sha256 = "{sha256("attrs")}"}}
"""


def go_files() -> tuple[str, str]:
    mod = """module example.com/app

go 1.22

require github.com/pkg/errors v0.9.1
"""
    sums = f"""github.com/pkg/errors v0.9.1 {go_h1("errors-tree")}
github.com/pkg/errors v0.9.1/go.mod {go_h1("errors-mod")}
"""
    return mod, sums


def write_all(base: Path) -> None:
    """Each lock file in a folder of its own under ``base``."""
    files = {
        "npm/package-lock.json": package_lock(),
        "php/composer.lock": composer_lock(),
        "rust/Cargo.lock": cargo_lock(),
        "pip/requirements.txt": requirements(),
        "poetry/poetry.lock": poetry_lock(),
        "uv/uv.lock": uv_lock(),
        "pdm/pdm.lock": pdm_lock(),
        "pipenv/Pipfile.lock": pipfile_lock(),
        "pylock/pylock.toml": pylock(),
        "go/go.mod": go_files()[0],
        "go/go.sum": go_files()[1],
    }
    for rel, text in files.items():
        target = base / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
