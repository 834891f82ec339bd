"""Pass/fail checks and the Markdown tables the bench prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Check:
    group: str
    name: str
    passed: bool
    detail: str = ""


class Report:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.sections: list[str] = []

    def check(self, group: str, name: str, passed: bool, detail: str = "") -> bool:
        self.checks.append(Check(group, name, bool(passed), detail))
        return passed

    def add(self, text: str) -> None:
        self.sections.append(text)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def render(self) -> str:
        rows = [
            (check.group, check.name, "PASS" if check.passed else "**FAIL**", check.detail)
            for check in self.checks
        ]
        checks = table(["area", "check", "result", "measured"], rows)
        failed = sum(not check.passed for check in self.checks)
        verdict = "all checks passed" if not failed else f"{failed} check(s) failed"
        return "\n\n".join([*self.sections, "## Checks\n\n" + checks, f"**Result: {verdict}**"])


def table(header: list[str], rows: list[tuple]) -> str:
    cells = [[str(cell) for cell in header]] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)
