"""Importing the seed documents into the catalog.

`import_documents(paths)` parses every document first (nothing touches the
database until all of them parsed), then, inside one transaction, runs the
catalog step and then each post-import step.

Post-import steps are where other apps store what the catalog ignores (community
comments, age votes, the seeded club): they connect a receiver to the
`documents_stored` signal in their AppConfig.ready(), because the catalog never
imports them. Each receiver is called with `documents=`, the parsed documents
(catalog.importer.documents.ParsedDocument), and `report=`, the ImportReport:
report.books[doc.file] and report.sources[doc.file] are the Book and Source rows
of each document, and report.count(label, "created"|"updated"|"deleted") adds the
step's own rows to the command's summary and to its “nothing changed” check.
They run in the same transaction, so an exception in a step rolls the whole
import back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from catalog.importer.documents import ParsedDocument
from catalog.importer.parsers import parse_file
from catalog.importer.report import ImportReport
from catalog.importer.store import store_catalog
from catalog.importer.text import SeedError

PostImportStep = Callable[[Sequence[ParsedDocument], ImportReport], None]

__all__ = ["ImportReport", "ParsedDocument", "SeedError", "default_seed_dir", "import_documents"]


def default_seed_dir() -> Path:
    return Path(getattr(settings, "SEEDS_DIR", settings.BASE_DIR / "seeds"))


def seed_paths(paths: Iterable[Path | str] | None = None) -> list[Path]:
    """Files to import: the given files, the *.txt files of given folders, or of seeds/."""
    found: list[Path] = []
    for raw in paths or [default_seed_dir()]:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.glob("*.txt") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise SeedError(path, None, "no such file or folder")
    if not found:
        raise SeedError(
            Path(paths[0]) if paths else default_seed_dir(), None, "no documents to import"
        )
    return found


# Sent inside the import's transaction, after the catalog step (see the module's docstring).
documents_stored = Signal()


def import_documents(
    paths: Iterable[Path | str] | None = None,
    *,
    dry_run: bool = False,
    steps: Sequence[PostImportStep] | None = None,
) -> ImportReport:
    """Parse, then store everything atomically; raises SeedError naming the file and line.

    `steps`, when given, run instead of the signal's receivers (tests use it to import the
    catalog alone, or to make a step fail)."""
    documents = [parse_file(path) for path in seed_paths(list(paths) if paths else None)]
    files = [doc.file for doc in documents]
    if duplicate := next((name for name in files if files.count(name) > 1), None):
        raise SeedError(duplicate, None, "the same file name is given twice")
    report = ImportReport(documents=documents, dry_run=dry_run)
    with transaction.atomic():
        store_catalog(documents, report)
        if steps is None:
            # send(), not send_robust(): a failing receiver rolls the whole import back.
            documents_stored.send(sender=import_documents, documents=documents, report=report)
        for step in steps or ():
            step(documents, report)
        if dry_run:
            transaction.set_rollback(True)
    return report
