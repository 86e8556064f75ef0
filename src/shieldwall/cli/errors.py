"""The one error boundary of the command line: every subcommand goes through
`handle_errors`, which turns errors into a message, a hint and the exit code
docs/DESIGN.md gives (2 usage or configuration, 3 the tool failed, 141 a closed
standard output); a traceback only with `--verbose`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from shieldwall.cli import exit_codes
from shieldwall.cli.terminal import exit_broken_pipe
from shieldwall.engine.redaction import redact_text
from shieldwall.errors import ShieldwallError, UsageError
from shieldwall.model.display import display_text

F = TypeVar("F", bound=Callable[..., Any])


def print_traceback() -> None:
    import traceback  # only with --verbose on failure: costs start-up time otherwise

    click.echo(redact_text(traceback.format_exc()).rstrip("\n"), err=True)


def error(message: str, hint: str = "", keep_lines: bool = False) -> None:
    """Print an error, secrets redacted; repository text in it reaches the terminal
    escaped (a traceback, with --verbose, keeps its lines)."""
    lines = message.split("\n") if keep_lines else [message]
    shown = "\n".join(display_text(redact_text(line)) for line in lines)
    click.secho(f"error: {shown}", fg="red", err=True)
    if hint:
        click.echo(f"hint: {display_text(redact_text(hint))}", err=True)


def exit_code(exc: ShieldwallError) -> int:
    """Usage and configuration errors are 2; every other failure of the tool 3."""
    return exit_codes.USAGE if isinstance(exc, UsageError) else exit_codes.TOOL_FAILED


def handle_errors(fn: F) -> F:
    """Turn errors into messages and exit codes; tracebacks only with --verbose."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = bool(kwargs.get("verbose"))
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            error(exc.message, exc.hint)
            sys.exit(exit_codes.USAGE)
        except ShieldwallError as exc:
            if verbose:
                print_traceback()
            error(exc.message, exc.hint)
            sys.exit(exit_code(exc))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            exit_broken_pipe()
        except OSError as exc:
            if verbose:
                print_traceback()
            where = f" {exc.filename}" if exc.filename else ""
            error(
                f"cannot use{where}: {exc.strerror or exc}",
                "check that the path exists and is readable (or writable, for an output)",
            )
            sys.exit(exit_codes.TOOL_FAILED)
        except Exception as exc:
            if verbose:
                print_traceback()
            error(
                f"shieldwall failed: {type(exc).__name__}: {exc}",
                "run again with --verbose for the traceback and report it as a bug",
            )
            sys.exit(exit_codes.TOOL_FAILED)

    return wrapper  # type: ignore[return-value]
