"""CrowdSec (Debian's `crowdsec` package, offline hub) in replay mode, for the
watch benchmarks: a private configuration and database per run, the system's
enabled parsers and scenarios (/etc/crowdsec), nothing sent anywhere."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ETC = Path("/etc/crowdsec")
DATA = Path("/usr/share/crowdsec/data")
SEED_DB = Path("/var/lib/crowdsec/data/crowdsec.db")


@dataclass(frozen=True, slots=True)
class Alert:
    ip: str
    scenario: str
    stopped_at: float  # log time of the overflow


def crowdsec_missing() -> str:
    """Why CrowdSec cannot run here ("" when it can)."""
    if shutil.which("crowdsec") is None:
        return "crowdsec is not installed (apt-get install crowdsec)"
    if not (ETC / "config.yaml").exists() or not (ETC / "local_api_credentials.yaml").exists():
        return "crowdsec is installed but not configured (dpkg --configure crowdsec)"
    if not SEED_DB.exists():
        return f"{SEED_DB} is missing: the package's set-up registers its machine there"
    return ""


def crowdsec_version() -> str:
    out = subprocess.run(["crowdsec", "-version"], capture_output=True, text=True, check=False)
    for line in (out.stdout + out.stderr).splitlines():
        if "version:" in line:
            return line.split("version:")[1].strip()
    return "?"


def _setup(work: Path, port: int) -> Path:
    if work.exists():
        shutil.rmtree(work)
    data = work / "data"
    data.mkdir(parents=True)
    for item in DATA.iterdir():
        (data / item.name).symlink_to(item)
    # Debian's offline hub ships path_traversal.txt, while the path traversal
    # scenario asks for http_path_traversal.txt: without it CrowdSec logs an
    # error with its whole data library on every line (and misses the kind).
    if (DATA / "path_traversal.txt").exists() and not (data / "http_path_traversal.txt").exists():
        (data / "http_path_traversal.txt").symlink_to(DATA / "path_traversal.txt")
    shutil.copy(SEED_DB, data / "crowdsec.db")
    config = yaml.safe_load((ETC / "config.yaml").read_text())
    config["common"].update(daemonize=False, log_dir=str(work), log_media="file")
    config["config_paths"]["data_dir"] = str(data)
    config["db_config"]["db_path"] = str(data / "crowdsec.db")
    config["db_config"]["use_wal"] = False
    config["api"]["server"]["listen_uri"] = f"127.0.0.1:{port}"
    config["api"]["server"].pop("online_client", None)
    config["prometheus"]["enabled"] = False
    creds = yaml.safe_load((ETC / "local_api_credentials.yaml").read_text())
    creds["url"] = f"http://127.0.0.1:{port}/"
    (work / "creds.yaml").write_text(yaml.safe_dump(creds))
    config["api"]["client"]["credentials_path"] = str(work / "creds.yaml")
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    return work / "config.yaml"


def _epoch(text: str) -> float:
    """SQLite's `2026-12-03 08:01:16.123456789+00:00` (fraction optional) as epoch seconds."""
    import datetime as dt
    import re

    text = re.sub(r"\.(\d{1,6})\d*", r".\1", text.strip())
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


@dataclass(frozen=True, slots=True)
class CrowdsecRun:
    alerts: list[Alert]
    seconds: float  # wall clock of the replay
    cpu_seconds: float
    peak_rss_mb: float


def run_crowdsec(
    log: Path,
    work: Path,
    kind: str = "nginx",
    port: int = 18400,
    one_core: bool = False,
    dump: bool = False,
) -> CrowdsecRun:
    """Replay one log (`crowdsec -dsn file://LOG -type KIND`, its forensic mode);
    `dump` keeps what each line was poured into (`-dump-data WORK/dump`)."""
    config = _setup(work, port)
    started = time.perf_counter()
    pin = ["taskset", "-c", "0"] if one_core and shutil.which("taskset") else []
    proc = subprocess.Popen(
        [
            *pin,
            "/usr/bin/time",
            "-f",
            "%M %U %S",
            "crowdsec",
            "-c",
            str(config),
            "-dsn",
            f"file://{log}",
            "-type",
            kind,
            *(["-dump-data", str(work / "dump")] if dump else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = proc.communicate(timeout=3600)
    seconds = time.perf_counter() - started
    last = err.strip().splitlines()[-1].split() if err.strip() else ["0", "0", "0"]
    try:
        rss, user, sys_ = float(last[0]) / 1024, float(last[1]), float(last[2])
    except (ValueError, IndexError):
        rss, user, sys_ = 0.0, 0.0, 0.0
    db = sqlite3.connect(work / "data" / "crowdsec.db")
    rows = db.execute("SELECT source_ip, source_range, scenario, stopped_at FROM alerts").fetchall()
    db.close()
    alerts = [Alert(ip or rng or "", sc, _epoch(str(stop))) for ip, rng, sc, stop in rows if stop]
    return CrowdsecRun(alerts, seconds, user + sys_, rss)
