"""A member's library: the book page's status control, their shelves page and the export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Book
from discussions.exporting import export_zip
from discussions.forms.library import ReadingStatusForm, ShelfForm
from discussions.models import Shelf
from discussions.services import library
from discussions.views.common import HtmxHttpRequest, member_post
from discussions.views.community import _done, _render


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_POST
@member_post
def reading_status(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Set the book's reading status (with its date or point reached), or take it off."""
    book = get_object_or_404(Book, slug=slug)
    if request.POST.get("clear"):
        library.reading_status_clear(user=request.user, book=book)
        return _done(request, book, "reading", "reading")
    form = ReadingStatusForm(request.POST)
    if form.is_valid():
        try:
            library.reading_status_set(user=request.user, book=book, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            return _done(request, book, "reading", "reading")
    return _render(request, book, "reading", status=400, reading_form=form)


@require_POST
@member_post
def book_shelve(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Put the book on one of the member's own shelves, or take it off."""
    book = get_object_or_404(Book, slug=slug)
    shelf = get_object_or_404(
        Shelf, pk=request.POST.get("shelf") or 0, user=request.user, kind=Shelf.Kind.CUSTOM
    )
    if request.POST.get("action") == "remove":
        library.shelf_book_remove(shelf=shelf, book=book)
    else:
        library.shelf_book_add(shelf=shelf, book=book)
    return _done(request, book, "reading", "reading")


def _own_shelf(request, pk: int) -> Shelf:
    # Another member's shelf is a 404: its existence is not ours to confirm.
    return get_object_or_404(Shelf, pk=pk, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def shelf_list(request: HtmxHttpRequest) -> HttpResponse:
    """The member's shelves: make one, rename it, choose who sees it; export everything."""
    form = ShelfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            library.shelf_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Your shelf “{form.cleaned_data['name']}” is ready.")
            return redirect("discussions:shelf_list")
    # A GET changes nothing: the status shelves appear with the first status or shelf.
    shelves = (
        Shelf.objects.filter(user=request.user)
        .annotate(books=Count("entries"))
        .order_by("created_at", "pk")
    )
    status = 400 if form.errors else 200
    return render(
        request, "discussions/shelves.html", {"form": form, "shelves": shelves}, status=status
    )


@require_POST
@member_post
def shelf_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    shelf = _own_shelf(request, pk)
    name = request.POST.get("name")
    try:
        library.shelf_update(shelf=shelf, name=name, is_public=bool(request.POST.get("is_public")))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("discussions:shelf_list")


@require_POST
@member_post
def shelf_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    shelf = _own_shelf(request, pk)
    try:
        library.shelf_delete(shelf=shelf)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"The shelf “{shelf.name}” is gone; its books stay in the catalog."
        )
    return redirect("discussions:shelf_list")


@require_POST
@never_cache
@member_post
def library_export(request: HtmxHttpRequest) -> HttpResponse:
    """A ZIP of the member's own data: a Goodreads-style CSV and a JSON archive."""
    response = HttpResponse(export_zip(user=request.user), content_type="application/zip")
    name = f"bookclub-{request.user.username}-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
