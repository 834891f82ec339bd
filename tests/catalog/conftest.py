"""Catalog fixtures: the real seed documents, imported, and broken copies of them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SEEDS = Path(settings.BASE_DIR) / "seeds"
LIBRARY = SEEDS / "001_dcba2dbabd499d36.txt"
RECOMMENDATIONS = SEEDS / "000_d22cf346b931e5e1.txt"
REVIEW_BLOG = SEEDS / "002_ffa374b0253087dc.txt"
BOOK_REVIEW_BLOG = SEEDS / "003_f7e4fba1606a2e87.txt"
ENCYCLOPEDIA = SEEDS / "004_29467c89cadd7673.txt"


@pytest.fixture
def seeded(db):
    """The five seed documents imported into the test database."""
    call_command("import_seeds", stdout=io.StringIO())


@pytest.fixture
def seed_copy(tmp_path):
    """seed_copy(original, replace=(old, new) | text=...) -> a modified copy in a temp folder."""

    def make(original: Path, *, replace: tuple[str, str] | None = None, text: str | None = None):
        target = tmp_path / original.name
        if text is None:
            text = original.read_text(encoding="utf-8")
            if replace:
                assert replace[0] in text, f"{replace[0]!r} is not in {original.name}"
                text = text.replace(replace[0], replace[1], 1)
        target.write_text(text, encoding="utf-8")
        return target

    return make


@pytest.fixture
def seed_folder(tmp_path):
    """A temporary folder holding copies of all five real documents."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder
