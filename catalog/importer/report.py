"""What an import did, per kind of row, for the command's summary and for tests."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from catalog.importer.documents import ParsedDocument

STATUSES = ("created", "updated", "deleted")


@dataclass
class ImportReport:
    documents: list[ParsedDocument] = field(default_factory=list)
    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # Filled by the catalog step for the steps after it: document file name -> its rows.
    books: dict[str, Any] = field(default_factory=dict)  # -> catalog.models.Book
    sources: dict[str, Any] = field(default_factory=dict)  # -> catalog.models.Source

    def count(self, label: str, status: str, amount: int = 1) -> None:
        """Post-import steps record their own rows here too (label: “comments”)."""
        self.counts[label][status] += amount

    @property
    def changed(self) -> bool:
        return any(counter[status] for counter in self.counts.values() for status in STATUSES)

    def summary_lines(self) -> list[str]:
        lines = []
        for label in sorted(self.counts):
            counter = self.counts[label]
            parts = [f"{counter[s]} {s}" for s in STATUSES if counter[s]]
            if parts:
                lines.append(f"{label}: {', '.join(parts)}")
        return lines

    def summary(self) -> str:
        documents = f"{len(self.documents)} document{'s' if len(self.documents) != 1 else ''}"
        if not self.changed:
            return f"Nothing changed: the catalog already matches the {documents}."
        verb = "Would import" if self.dry_run else "Imported"
        return "\n".join([f"{verb} {documents}:", *(f"  {line}" for line in self.summary_lines())])
