"""The one invalidation rule, enforced: a cached model's rows are written in bulk
(`.update()`, `bulk_create()`, `bulk_update()`: no signals, so no version bump) only in a
service function that bumps the versions itself (bookclub/cache.py)."""

import ast
from pathlib import Path

from django.apps import apps

from discussions.apps import (
    CLUB_MODELS,
    COMMUNITY_MODELS,
    LIBRARY_MODELS,
    QUESTION_MODELS,
    READER_MODELS,
)

ROOT = Path(__file__).resolve().parents[2]
BULK_WRITES = {"update", "bulk_create", "bulk_update"}
BUMPERS = {"bump", "book_changed", "thread_changed", "catalog_changed"}
EXEMPT = {
    # Tree bookkeeping beside a comment saved or deleted in the same call, whose own
    # signal bumps its thread's version.
    ("discussions/models/threads.py", "add_to_reply_counts"),
    # A column no page shows (which comments still owe their followers notifications).
    ("discussions/services/notifications.py", "comment_fan_out"),
}


def cached_models() -> set[str]:
    names = {model.__name__ for model in apps.get_app_config("catalog").get_models()}
    discussions = {
        *COMMUNITY_MODELS,
        *CLUB_MODELS,
        *LIBRARY_MODELS,
        *READER_MODELS,
        *QUESTION_MODELS,
        "RSVP",
        "Agenda",
    }
    return names | discussions | {"User"}


def _root(node: ast.AST) -> str:
    """The name a call chain starts from: `Comment` in Comment.objects.filter().update()."""
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def bulk_writes_on_cached_models():
    """(file, function, line, calls a bumper) for each bulk write on a cached model."""
    cached = cached_models()
    for folder in ("bookclub", "catalog", "discussions"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for scope in ast.walk(tree):
                if not isinstance(scope, ast.ClassDef | ast.FunctionDef):
                    continue
                queryset_of = scope.name.removesuffix("QuerySet")
                for function in [scope] if isinstance(scope, ast.FunctionDef) else []:
                    calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
                    bumps = any(
                        getattr(c.func, "id", getattr(c.func, "attr", "")) in BUMPERS for c in calls
                    )
                    for call in calls:
                        if not (
                            isinstance(call.func, ast.Attribute) and call.func.attr in BULK_WRITES
                        ):
                            continue
                        root = _root(call.func.value)
                        if (
                            root in cached
                            or root in ("queryset", "model")
                            or (root == "self" and queryset_of in cached)
                        ):
                            yield str(path.relative_to(ROOT)), function.name, call.lineno, bumps
                # Methods of a cached model's QuerySet: `self` is that model's rows.
                if isinstance(scope, ast.ClassDef) and queryset_of in cached:
                    for method in scope.body:
                        if not isinstance(method, ast.FunctionDef):
                            continue
                        for call in ast.walk(method):
                            if (
                                isinstance(call, ast.Call)
                                and isinstance(call.func, ast.Attribute)
                                and call.func.attr in BULK_WRITES
                                and _root(call.func.value) == "self"
                            ):
                                yield str(path.relative_to(ROOT)), method.name, call.lineno, False


def test_bulk_writes_on_cached_models_happen_only_in_services_that_bump():
    offenders = [
        f"{path}:{line} in {function}()"
        for path, function, line, bumps in bulk_writes_on_cached_models()
        if (path, function) not in EXEMPT
        and not (path.startswith("discussions/services/") and bumps)
    ]
    assert offenders == [], "bulk writes that retire no cached version: " + ", ".join(offenders)


def test_the_rule_sees_the_bulk_writes_it_allows():
    """Guard: the scan finds the known ones, so an empty list of offenders means something."""
    found = {(path, function) for path, function, _, _ in bulk_writes_on_cached_models()}
    assert ("discussions/services/ratings.py", "_upsert") in found
    assert ("discussions/services/comments.py", "comments_moderate_in_bulk") in found
    assert ("discussions/models/threads.py", "add_to_reply_counts") in found
