"""What is a source, a sink, a sanitiser: the tables the data-flow walk consults,
framework knowledge as data (one module per subject).

Names are fully qualified after import aliases are resolved (``from flask import
request as r`` makes ``r.args`` read ``flask.request.args``)."""

from shieldwall.analyzers.code.catalog.crypto import *  # noqa: F403
from shieldwall.analyzers.code.catalog.files import *  # noqa: F403
from shieldwall.analyzers.code.catalog.frameworks import *  # noqa: F403
from shieldwall.analyzers.code.catalog.redirects import *  # noqa: F403
from shieldwall.analyzers.code.catalog.sanitisers import *  # noqa: F403
from shieldwall.analyzers.code.catalog.sinks import *  # noqa: F403
from shieldwall.analyzers.code.catalog.sources import *  # noqa: F403
from shieldwall.analyzers.code.catalog.taint_rules import *  # noqa: F403
from shieldwall.analyzers.code.catalog.templates import *  # noqa: F403
