"""`python -m shieldwall`. Python puts the working directory first on sys.path
for -m, and CI runs the scan from inside the checked-out repository: a
`yaml.py` or `click.py` there would be imported in place of the real one. So
the working directory leaves sys.path before anything else is imported (`os`
and `sys` are loaded by then already)."""

import os
import sys

_cwd = os.getcwd()  # noqa: PTH109 (pathlib is not loaded yet, and would come from here)
sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != os.path.realpath(_cwd)]

from shieldwall.cli.main import main  # noqa: E402

main()
