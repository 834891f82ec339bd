"""A member's import of a Goodreads or StoryGraph export: the upload and its progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bookclub.ratelimit import post_rate_limited
from discussions.forms.library import LibraryImportForm
from discussions.library_csv import MalformedFile
from discussions.models import LibraryImport
from discussions.services.library_import import library_import_start
from discussions.views.common import HtmxHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
@post_rate_limited
def library_import_new(request: HtmxHttpRequest) -> HttpResponse:
    """Upload an export; a malformed file is refused here, with its line and column."""
    form = LibraryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            library_import = library_import_start(
                user=request.user,
                file_name=request.FILES["file"].name,
                content=form.cleaned_data["file"],
                reviews=form.cleaned_data["reviews"],
            )
        except (MalformedFile, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            form.add_error("file", messages)
        else:
            return redirect(library_import)
    recent = LibraryImport.objects.filter(user=request.user).defer("content")[:10]
    status = 400 if form.errors else 200
    context = {"form": form, "recent": recent}
    return render(request, "discussions/library_import.html", context, status=status)


@login_required
@require_GET
def library_import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The import's progress bar (polled while it runs) and its summary at the end."""
    library_import = get_object_or_404(
        LibraryImport.objects.defer("content"), pk=pk, user=request.user
    )
    template = "discussions/library_import_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"library_import": library_import})
