"""The job queue, a table of the service's own database: an upload is stored with
a job and answered at once; a worker thread in each replica takes jobs one at a
time (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas never take the same
one), retries a failing job with a growing delay, and gives up after
`MAX_ATTEMPTS`, saying why on the scan."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shieldwall.errors import ShieldwallError
from shieldwall.service.ingest import process
from shieldwall.service.monitor import Notify, rematch, schedule
from shieldwall.service.tables import Job, Scan, utcnow

MAX_ATTEMPTS = 3
LOG = logging.getLogger("shieldwall.serve")
Handler = Callable[[Session, Job], None]


def _ingest(session: Session, job: Job) -> None:
    scan = session.get(Scan, job.scan_id)
    if scan is None or job.payload is None:
        return
    process(session, scan, job.payload)
    job.payload = None  # the findings hold it now
    if scan.kind == "cyclonedx":
        try:  # what is known today is no news: matched without notifying
            rematch(session, None, scan.id)
        except ShieldwallError as exc:  # no vulnerability database yet
            LOG.info("SBOM %s not matched: %s", scan.id, exc.message)


def handlers(notify: Notify | None = None) -> dict[str, Handler]:
    def _rematch(session: Session, _job: Job) -> None:
        rematch(session, notify)

    return {"ingest": _ingest, "rematch": _rematch}


HANDLERS: dict[str, Handler] = handlers()


def _take(session: Session) -> Job | None:
    return session.scalar(
        select(Job)
        .where(Job.state == "queued", Job.run_after <= utcnow())
        .order_by(Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def run_one(factory: sessionmaker[Session], handlers: dict[str, Handler] | None = None) -> bool:
    """Take and run one job; False when there was none to take."""
    handlers = handlers or HANDLERS
    with factory() as session:
        job = _take(session)
        if job is None:
            session.rollback()
            return False
        job.state = "running"
        job.attempts += 1
        session.commit()
        job_id = job.id
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        try:
            handlers[job.kind](session, job)
            job.state = "done"
            session.commit()
        except Exception as exc:
            session.rollback()
            _failed(factory, job_id, exc)
    return True


def _failed(factory: sessionmaker[Session], job_id: int, exc: Exception) -> None:
    detail = exc.message if isinstance(exc, ShieldwallError) else f"{type(exc).__name__}: {exc}"
    final = isinstance(exc, ShieldwallError)  # bad input: retrying gives the same answer
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.error = detail[:4000]
        if final or job.attempts >= MAX_ATTEMPTS:
            job.state = "failed"
            scan = session.get(Scan, job.scan_id) if job.scan_id else None
            if scan is not None:
                scan.status = "failed"
                scan.error = job.error
        else:
            job.state = "queued"
            job.run_after = utcnow() + dt.timedelta(seconds=2**job.attempts)
        session.commit()
    LOG.warning("job %s failed (attempt %s): %s", job_id, job.attempts, detail)


class Worker:
    """A thread running jobs until stopped; `wake()` after queueing one."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        poll_seconds: float = 1.0,
        notify: Notify | None = None,
        monitor_seconds: float = 300.0,
    ) -> None:
        self._factory = factory
        self._poll = poll_seconds
        self._handlers = handlers(notify)
        self._monitor = monitor_seconds
        self._checked = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shieldwall-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._watch_database()
                busy = run_one(self._factory, self._handlers)
            except Exception:  # the database went away: wait and try again
                LOG.exception("job queue unavailable")
                busy = False
            if not busy:
                self._wake.wait(self._poll)
                self._wake.clear()

    def _watch_database(self) -> None:
        """Every `monitor_seconds`: a changed vulnerability database queues a re-match."""
        if time.monotonic() - self._checked < self._monitor:
            return
        self._checked = time.monotonic()
        with self._factory() as session:
            schedule(session)
