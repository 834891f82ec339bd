"""Recompute every book's search text (and, on PostgreSQL, its search vector).

The importer and the admin keep each book's search columns current as they write; this is
for the rows written before those columns existed (migration catalog 0002) or by hand in a
shell. Safe to run at any time: a book whose text is already current is left untouched.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Book
from catalog.services import book_search_refresh


class Command(BaseCommand):
    help = "Recompute every book's search text and vector (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the books that would change, then roll back.",
        )

    def handle(self, *args, dry_run, verbosity, **options):
        with transaction.atomic():
            changed = [book for book in Book.objects.all() if book_search_refresh(book=book)]
            if dry_run:
                transaction.set_rollback(True)
        if verbosity >= 2:
            for book in changed:
                self.stdout.write(f"{book.slug}: updated")
        if verbosity >= 1:
            verb = "would change" if dry_run else "updated"
            self.stdout.write(self.style.SUCCESS(f"{len(changed)} book search texts {verb}."))
