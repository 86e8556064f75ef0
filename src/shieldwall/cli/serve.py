"""`shieldwall serve`: the findings service, and its tokens."""

from __future__ import annotations

import click

from shieldwall.cli.errors import handle_errors
from shieldwall.errors import UsageError
from shieldwall.model.settings import parse_age


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{text!r} is not HOST:PORT")
    return host.strip("[]") or "127.0.0.1", int(port)


def _database_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--database",
        metavar="URL",
        envvar="SHIELDWALL_DATABASE",
        help="An SQLite file (default: under $XDG_DATA_HOME/shieldwall) or "
        "postgresql://user@host:5432/name.",
    )(fn)


def _webhook_option(fn: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--webhook",
        metavar="URL",
        envvar="SHIELDWALL_WEBHOOK",
        help="POST each new critical/high advisory in a stored SBOM here (Slack-compatible).",
    )(fn)


@click.group(invoke_without_command=True)
@_database_option
@click.option("--listen", default="127.0.0.1:8380", show_default=True, metavar="HOST:PORT")
@click.option(
    "--no-worker", is_flag=True, help="Serve the API only; other replicas process uploads."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="API processes (each but with --no-worker also runs jobs).",
)
@_webhook_option
@click.option(
    "--oidc-issuer",
    metavar="URL",
    envvar="SHIELDWALL_OIDC_ISSUER",
    help="Sign people in with this OpenID provider.",
)
@click.option("--oidc-client-id", metavar="ID", envvar="SHIELDWALL_OIDC_CLIENT_ID")
@click.option(
    "--oidc-group",
    "oidc_groups",
    multiple=True,
    metavar="GROUP=PROJECT:ROLE",
    help="Members of the provider's group (the token's `groups` claim) get ROLE on "
    "PROJECT (repeatable; also $SHIELDWALL_OIDC_GROUPS, space-separated).",
)
@click.option("-v", "--verbose", is_flag=True)
@click.pass_context
def serve(
    ctx: click.Context,
    database: str | None,
    listen: str,
    no_worker: bool,
    workers: int,
    webhook: str | None,
    oidc_issuer: str | None,
    oidc_client_id: str | None,
    oidc_groups: tuple[str, ...],
    verbose: bool,
) -> None:
    """Run the findings service: every scan and SBOM, their history and triage.

    The OpenID client secret, when the provider wants one, is read from
    $SHIELDWALL_OIDC_CLIENT_SECRET; $SHIELDWALL_SESSION_SECRET signs sessions
    (give every replica the same)."""
    import os

    from shieldwall.cli.errors import handle_errors

    if ctx.invoked_subcommand is not None:
        return
    if bool(oidc_issuer) != bool(oidc_client_id):
        raise click.UsageError("--oidc-issuer and --oidc-client-id go together")
    if oidc_issuer and oidc_client_id:
        os.environ["SHIELDWALL_OIDC_ISSUER"] = oidc_issuer
        os.environ["SHIELDWALL_OIDC_CLIENT_ID"] = oidc_client_id
    if oidc_groups:
        os.environ["SHIELDWALL_OIDC_GROUPS"] = " ".join(oidc_groups)
    if workers > 1 and not os.environ.get("SHIELDWALL_SESSION_SECRET"):
        import secrets

        os.environ["SHIELDWALL_SESSION_SECRET"] = secrets.token_hex(32)  # shared by the workers
    handle_errors(_run)(database, listen, no_worker, workers, webhook, verbose=verbose)


def _run(
    database: str | None,
    listen: str,
    no_worker: bool,
    workers: int,
    webhook: str | None,
    verbose: bool,
) -> None:
    import os

    import uvicorn

    from shieldwall.service.app import env_or_file
    from shieldwall.service.database import default_url, migrate, open_engine
    from shieldwall.service.oidc import parse_group_roles

    parse_group_roles(os.environ.get("SHIELDWALL_OIDC_GROUPS", "").split())  # before any worker
    host, port = _listen(listen)
    url = database or env_or_file("SHIELDWALL_DATABASE") or default_url()
    engine = open_engine(url)
    migrate(engine)  # once, before any process serves
    engine.dispose()
    os.environ["SHIELDWALL_DATABASE"] = url
    os.environ["SHIELDWALL_WORKER"] = "0" if no_worker else "1"
    if webhook:
        os.environ["SHIELDWALL_WEBHOOK"] = webhook
    click.echo(f"shieldwall serve: http://{host}:{port}/api/v1 (database {_shown(url)})", err=True)
    uvicorn.run(
        "shieldwall.service.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info" if verbose else "warning",
        timeout_keep_alive=75,  # longer than the idle timeout of the usual load balancers
        timeout_graceful_shutdown=10,
    )


def _shown(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    from shieldwall.service.database import normalize

    try:
        return make_url(normalize(url)).render_as_string(hide_password=True)
    except Exception:
        return "(given)"


@serve.group()
def token() -> None:
    """API tokens: scoped to projects and a role, expiring, revocable."""


@token.command("create")
@_database_option
@click.option(
    "--project",
    "projects",
    multiple=True,
    required=True,
    metavar="NAME",
    help="A project the token may use (repeatable).",
)
@click.option("--role", type=click.Choice(["viewer", "triager", "admin"]), required=True)
@click.option("--name", default="", help="What the token is for (shown in lists and the audit).")
@click.option(
    "--expires",
    default="90d",
    show_default=True,
    metavar="AGE",
    help="Lifetime: 90d, 12h, 2w; `never` for none.",
)
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def token_create(
    database: str | None,
    projects: tuple[str, ...],
    role: str,
    name: str,
    expires: str,
    verbose: bool,
) -> None:
    """Print a new token once (only its hash is kept)."""
    _create(database, projects, role, name, expires, verbose)


def _create(
    database: str | None,
    projects: tuple[str, ...],
    role: str,
    name: str,
    expires: str,
    verbose: bool,
) -> None:
    import datetime as dt
    import re

    from shieldwall.service.access import create_token
    from shieldwall.service.database import database_session

    for project in projects:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}", project):
            raise UsageError(
                f"project name {project!r} is not valid", "use letters, digits, '.', '_' and '-'"
            )
    lifetime = None
    if expires != "never":
        try:
            lifetime = dt.timedelta(days=parse_age(expires))
        except ValueError as exc:
            raise UsageError(str(exc), "give 90d, 12h, 2w or never") from None
    with database_session(database) as session:
        text, _row = create_token(
            session, dict.fromkeys(projects, role), "cli", name=name, expires_in=lifetime
        )
        session.commit()
    click.echo(text)


@serve.command("rematch")
@_database_option
@_webhook_option
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def rematch_command(database: str | None, webhook: str | None, verbose: bool) -> None:
    """Match stored SBOMs against the vulnerability database now (after `db update`)."""
    _rematch(database, webhook, verbose)


def _rematch(database: str | None, webhook: str | None, verbose: bool) -> None:
    from shieldwall.service.database import database_session
    from shieldwall.service.monitor import rematch, webhook_sender

    with database_session(database) as session:
        opened = rematch(session, webhook_sender(webhook))
    for item in opened:
        where = ", ".join(item.services) or "-"
        click.echo(
            f"{item.project} {item.branch}: {item.severity} {item.advisory} {item.purl} ({where})"
        )
    click.echo(f"{len(opened)} new advisory finding(s)", err=True)


@serve.command("worker")
@_database_option
@_webhook_option
@click.option(
    "--lease-seconds",
    type=click.FloatRange(1, 3600),
    default=60.0,
    show_default=True,
    help="A job whose worker stops renewing it this long is taken again by another.",
)
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def worker_command(
    database: str | None, webhook: str | None, lease_seconds: float, verbose: bool
) -> None:
    """Run queued jobs (uploads, SBOM re-matching) without serving the API: beside
    API replicas started with --no-worker. Stops on SIGTERM or Ctrl-C."""
    _worker(database, webhook, lease_seconds, verbose)


def _worker(database: str | None, webhook: str | None, lease_seconds: float, verbose: bool) -> None:
    import logging
    import signal
    import threading

    from shieldwall.service.app import env_or_file
    from shieldwall.service.database import default_url, migrate, open_engine, sessions
    from shieldwall.service.jobs import Worker
    from shieldwall.service.monitor import webhook_sender

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    url = database or env_or_file("SHIELDWALL_DATABASE") or default_url()
    engine = open_engine(url)
    migrate(engine)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = Worker(
        sessions(engine),
        notify=webhook_sender(webhook or env_or_file("SHIELDWALL_WEBHOOK") or None),
        lease_seconds=lease_seconds,
    )
    worker.start()
    click.echo(f"shieldwall serve worker: jobs of {_shown(url)}", err=True)
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()  # the job in hand is finished first (or its lease runs out)
        engine.dispose()


@serve.command("jobs")
@_database_option
@click.option("--retry", "retry_ids", type=int, multiple=True, metavar="ID",
              help="Queue this failed job again (repeatable).")  # fmt: skip
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def jobs_command(database: str | None, retry_ids: tuple[int, ...], verbose: bool) -> None:
    """List the failed jobs (the dead letters) with why they failed, or queue some again."""
    _jobs(database, retry_ids)


def _jobs(database: str | None, retry_ids: tuple[int, ...]) -> None:
    from sqlalchemy import select

    from shieldwall.service.database import database_session
    from shieldwall.service.jobs import retry
    from shieldwall.service.tables import Job

    with database_session(database) as session:
        for job_id in retry_ids:
            if not retry(session, job_id):
                raise UsageError(f"job {job_id} is not a failed job", "list them with serve jobs")
        session.commit()
        if retry_ids:
            click.echo(f"{len(retry_ids)} job(s) queued again", err=True)
            return
        failed = session.scalars(select(Job).where(Job.state == "failed").order_by(Job.id))
        count = 0
        for job in failed:
            count += 1
            scan = f"scan {job.scan_id}" if job.scan_id else "-"
            click.echo(f"{job.id}\t{job.kind}\t{scan}\t{job.attempts} attempt(s)\t{job.error}")
        click.echo(f"{count} failed job(s)", err=True)


@token.command("revoke")
@_database_option
@click.argument("token_id", type=int)
@click.option("-v", "--verbose", is_flag=True)
@handle_errors
def token_revoke(database: str | None, token_id: int, verbose: bool) -> None:
    """Revoke the token with this id (see GET /api/v1/projects/NAME/tokens)."""
    _revoke(database, token_id, verbose)


def _revoke(database: str | None, token_id: int, verbose: bool) -> None:
    from shieldwall.service.access import revoke_token
    from shieldwall.service.database import database_session
    from shieldwall.service.tables import Token

    with database_session(database) as session:
        row = session.get(Token, token_id)
        if row is None:
            raise UsageError(f"no token {token_id}", "list them with the API's /tokens")
        revoke_token(session, row, "cli")
        session.commit()
    click.echo(f"token {token_id} revoked", err=True)


class ServerLink:
    """`scan --server URL` (pull triage as exceptions) and `scan --upload URL`
    (send the JSON report) for one project; the token is `$SHIELDWALL_TOKEN`."""

    def __init__(
        self,
        server: str | None,
        upload: str | None,
        project: str | None,
        branch: str | None,
        commit: str | None,
    ) -> None:
        import os

        if project is None:
            raise UsageError(
                "--server and --upload need --project NAME", "name the project on the service"
            )
        self.server, self.upload_url, self.project = server, upload, project
        self.branch = branch or _ci_branch() or "main"
        self.commit = commit or ""
        self.token = os.environ.get("SHIELDWALL_TOKEN", "")

    def decisions(self) -> dict[str, str]:
        if self.server is None:
            return {}
        from shieldwall.service.client import pull_decisions

        pulled = pull_decisions(self.server, self.project, self.token)
        if pulled.warning:
            click.secho(f"warning: {pulled.warning}", fg="yellow", err=True)
        return pulled.decisions

    def upload(self, result: object, path: object) -> bool:
        """Send the report; False (after saying why) when it could not be."""
        if self.upload_url is None:
            return True
        import subprocess
        from pathlib import Path

        from shieldwall.errors import ShieldwallError
        from shieldwall.formats.base import ReportContext
        from shieldwall.formats.registry import formatter
        from shieldwall.model import ScanResult
        from shieldwall.service.client import upload
        from shieldwall.sources.git import resolve_commit

        assert isinstance(result, ScanResult) and isinstance(path, Path)
        commit = self.commit
        if not commit:
            try:
                commit = resolve_commit(path if path.is_dir() else path.parent, "HEAD") or ""
            except (OSError, subprocess.SubprocessError):
                commit = ""
        report = formatter("json")(result, ReportContext()).encode("utf-8")
        try:
            scan = upload(self.upload_url, self.project, self.token, report, self.branch, commit)
        except ShieldwallError as exc:
            click.secho(f"error: upload failed: {exc.message}", fg="red", err=True)
            if exc.hint:
                click.echo(f"hint: {exc.hint}", err=True)
            return False
        click.echo(
            f"uploaded to {self.upload_url}: project {self.project}, scan {scan.get('id')}",
            err=True,
        )
        return True


def _ci_branch() -> str:
    import os

    for name in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BRANCH_NAME"):
        if os.environ.get(name):
            return os.environ[name]
    return ""
