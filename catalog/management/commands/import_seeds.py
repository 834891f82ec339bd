"""Import the seed documents (seeds/*.txt) into the catalog.

The catalog is built from five captured web pages about one novel; this command
reads them (or the files/folders given), merges what they say about the same
book, author and edition, and records every fact's source. It is idempotent —
run it as often as you like — and all-or-nothing: a malformed document stops it
with the file and line, and the database is left as it was.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from catalog.importer import SeedError, import_documents
from catalog.models import Source


class Command(BaseCommand):
    help = "Import the seed documents into the catalog (idempotent, all-or-nothing)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files or folders (default: seeds/).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report, then roll everything back."
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        try:
            report = import_documents(paths or None, dry_run=dry_run)
        except SeedError as error:
            raise CommandError(f"Import failed, nothing was changed. {error}") from None
        if verbosity >= 2:
            for doc in report.documents:
                self.stdout.write(
                    f"{doc.file}: {Source.Kind(doc.kind).label} about {doc.book_title}"
                )
        if verbosity >= 1:
            style = self.style.SUCCESS if report.changed else self.style.NOTICE
            self.stdout.write(style(report.summary()))
            if dry_run:
                self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
