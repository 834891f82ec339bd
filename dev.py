#!/usr/bin/env python3
"""The two commands: `python3 dev.py run` and `python3 dev.py test`.

Only Python 3.11 and pip are assumed. Each command creates `.venv/` when it is
missing, installs the project into it (again only when pyproject.toml changed),
and then does its job:

  run   migrate the database (SQLite by default), import the seed documents,
        and serve the site on http://127.0.0.1:8000
  test  run the whole test suite with pytest (extra arguments go to pytest)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def sh(*args: str | Path, **env: str) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **env})  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def ensure_installed(extra: str) -> None:
    """Create the virtualenv and install the project with `extra`, once per pyproject change."""
    if not PYTHON.exists():
        print(f"Creating virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()
    stamp = VENV / f".installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extra}]" if extra else "."
    sh(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target)
    stamp.write_text(digest)


def run(args: list[str]) -> None:
    ensure_installed("")
    manage = [PYTHON, "manage.py"]
    sh(*manage, "migrate", "--noinput")
    sh(*manage, "import_seeds")
    address = args[0] if args else "127.0.0.1:8000"
    sh(*manage, "runserver", address)


def ensure_checkers() -> None:
    """The trust suite's Nu HTML Checker and axe-core come from npm, when npm is here."""
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".installed"
    if not shutil.which("npm"):
        print("npm not found: HTML-validity and accessibility checks will be skipped.")
        return
    if stamp.exists() and stamp.read_text() == lock.read_text():
        return
    sh("npm", "ci", "--no-audit", "--no-fund", "--silent")
    stamp.write_text(lock.read_text())


def test(args: list[str]) -> None:
    ensure_installed("test")
    ensure_checkers()
    # The whole suite runs on both cores unless the caller picks tests or workers.
    sh(PYTHON, "-m", "pytest", *(args or ["-n", "2"]))


COMMANDS = {"run": run, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]](sys.argv[2:])
