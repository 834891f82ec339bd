"""An app process readies itself before serving: every view imported, every template
compiled, and what it loaded frozen out of the garbage collector's full collections."""

import subprocess
import sys
from pathlib import Path

from django.template import engines

from bookclub.warm_up import warm_up
from tests.conftest import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def test_warming_up_compiles_every_template_of_the_project():
    compiled = warm_up()

    assert compiled == len(list((ROOT / "templates").rglob("*.html")))
    cached_loader = engines["django"].engine.template_loaders[0].loaders[0]
    assert {"base.html", "catalog/book_detail.html"} <= set(cached_loader.get_template_cache)


def test_the_wsgi_application_freezes_what_it_loaded_without_the_database():
    """No database or cache is reachable here: a worker must start while either is down."""
    probe = (
        "import gc, bookclub.wsgi, sys; "
        "sys.exit(0 if gc.get_freeze_count() > 0 and not gc.get_count()[2] else 1)"
    )
    environ = clean_environ(
        DJANGO_SETTINGS_MODULE="bookclub.settings",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], cwd=ROOT, env=environ, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
