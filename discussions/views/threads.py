"""Threads and comments: reading, posting, replying, editing, deleting, moderating."""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bookclub.cache import versions
from discussions.cache import thread_version_name
from discussions.forms.community import CommentForm, FlagForm, comment_form_for
from discussions.models import Comment, Thread
from discussions.selectors import (
    Node,
    mark_spoilers,
    subtree_context,
    thread_context,
    thread_reader_progress,
)
from discussions.services import comments as services
from discussions.services.errors import DiscussionError, NotAllowed
from discussions.viewer import thread_viewer
from discussions.views.common import HtmxHttpRequest, error_response, member_post, page_number

COMMENT = "discussions/_comment.html"
THREAD = "discussions/_thread.html"


def _visible_thread(request, pk: int) -> Thread:
    thread = get_object_or_404(
        Thread.objects.select_related(
            "book", "meeting__club", "meeting__book", "question__club", "question__section"
        ),
        pk=pk,
    )
    if not thread.is_visible_to(request.user):
        raise Http404("No such thread.")
    return thread


def _visible_comment(request, pk: int, *, for_display: bool = True) -> Comment:
    """The comment if the user may see its thread, else 404. for_display=False loads only
    what deciding and answering need: the thread with its book or meeting and club (the
    answer to a reply is built after the commit, where a query could fail with the reply
    already stored), not the comment's author, source or section."""
    if for_display:
        comment = get_object_or_404(
            Comment.objects.select_related(
                "thread__book",
                "thread__meeting__club",
                "thread__meeting__book",
                "thread__question__club",
                "thread__question__section",
            ).select_related("author", "source", "section"),
            pk=pk,
        )
    else:
        comment = Comment.objects.with_thread(pk)
        if comment is None:
            raise Http404("No such comment.")
    if not comment.thread.is_visible_to(request.user):
        raise Http404("No such comment.")
    return comment


def _mark_spoilers(request, comment: Comment) -> None:
    thread = comment.thread
    progress = thread_reader_progress(thread, request.user)
    mark_spoilers(thread, comments=[comment], reader_progress=progress)


def _card_context(request, comment: Comment, **extra) -> dict:
    _mark_spoilers(request, comment)
    return {
        "comment": comment,
        "node": Node(comment),
        "max_depth": comment.depth + 1,
        **thread_viewer(comment.thread, request.user),
        **extra,
    }


def comment_posted(request: HtmxHttpRequest, comment: Comment) -> HttpResponse:
    """htmx gets the new comment to insert; a plain post goes back to the thread."""
    if request.htmx:
        response = render(request, COMMENT, _card_context(request, comment))
        # The thread's count goes up in the same response (unless the database went away
        # after storing the comment: the next page shows the count).
        with suppress(DatabaseError):
            total = {"total": comment.thread.comments.count(), "oob": True}
            response.content += render_to_string(f"{THREAD}#thread-total", total).encode()
        if comment.parent_id:
            # Close the inline reply form in the same response.
            response.content += (
                f'<div class="reply-slot" id="reply-slot-{comment.parent_id}" '
                'data-hx-swap-oob="true"></div>'
            ).encode()
        return response
    return redirect(f"{comment.thread.get_absolute_url()}#c{comment.pk}")


def thread_page_context(request, thread: Thread) -> dict:
    """A thread's page context: on its own page, or a question's (a book's or a meeting's
    threads redirect to theirs)."""
    page_versions = versions(thread=thread_version_name(thread), people="people")
    progress = thread_reader_progress(thread, request.user)
    context = thread_context(
        thread,
        user=request.user,
        version=page_versions["thread"],
        sort=request.GET.get("sort", "newest"),
        page=page_number(request),
        reader_progress=progress,
    )
    return {**context, "versions": page_versions}


@require_GET
@vary_on_headers("HX-Request")
def thread_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A thread on its own page (threads about books live on the book's page)."""
    thread = _visible_thread(request, pk)
    context = thread_page_context(request, thread)
    template = "discussions/thread.html"
    if request.htmx:
        partial = "comment-page" if request.GET.get("page") else "thread-body"
        template = f"discussions/_thread.html#{partial}"
    return render(request, template, context)


@require_POST
@member_post
def comment_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A new top-level comment in a thread."""
    thread = _visible_thread(request, pk)
    form = comment_form_for(thread, request.POST)
    if not form.is_valid():
        context = {**thread_page_context(request, thread), "comment_form": form}
        template = (
            "discussions/_thread.html#comment-form" if request.htmx else "discussions/thread.html"
        )
        response = render(request, template, context, status=400)
        if request.htmx:
            # The form posts into #comment-list; its errors belong in the form itself.
            response["HX-Retarget"] = "#comment-form"
            response["HX-Reswap"] = "innerHTML"
        return response
    try:
        comment = services.comment_create(
            thread=thread,
            author=request.user,
            body=form.cleaned_data["body"],
            section=form.cleaned_data.get("section"),
        )
    except DiscussionError as error:
        return error_response(request, error)
    return comment_posted(request, comment)


@require_GET
def comment_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One comment and all its replies: permalinks and "continue this thread"."""
    comment = _visible_comment(request, pk)
    context = subtree_context(comment, user=request.user)
    return render(request, "discussions/comment_detail.html", {**context, "focus": comment})


@require_http_methods(["GET", "POST"])
@member_post
@vary_on_headers("HX-Request")
def comment_reply(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the reply form (inline with htmx); POST: post the reply."""
    parent = _visible_comment(request, pk, for_display=request.method == "GET")
    # A reply usually discusses what its parent does: start from the parent's section.
    initial = {"section": parent.section_id} if parent.thread.meeting_id else None
    form = comment_form_for(
        parent.thread, request.POST or None, auto_id=f"id_reply{parent.pk}_%s", initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.comment_create(
                thread=parent.thread,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                section=form.cleaned_data.get("section"),
            )
        except DiscussionError as error:
            return error_response(request, error)
        return comment_posted(request, reply)
    refusal = parent.thread.post_check(request.user)
    if refusal:
        return error_response(request, NotAllowed(refusal))
    if parent.is_deleted:
        return error_response(request, DiscussionError("You cannot reply here."))
    _mark_spoilers(request, parent)
    template = "discussions/comment_form.html"
    if request.htmx:
        template += "#reply-form"
    status = 400 if request.method == "POST" else 200
    return render(
        request, template, {"form": form, "parent": parent, "mode": "reply"}, status=status
    )


@require_http_methods(["GET", "POST"])
@member_post
@vary_on_headers("HX-Request")
def comment_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the edit form (inline with htmx); POST: save, keeping the old text as a revision."""
    comment = _visible_comment(request, pk)
    if not comment.can_edit(request.user):
        raise PermissionDenied("Only the author can edit this comment.")
    form = CommentForm(
        request.POST or None, initial={"body": comment.body}, auto_id=f"id_edit{comment.pk}_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, editor=request.user, body=form.cleaned_data["body"]
            )
        except DiscussionError as error:
            return error_response(request, error)
        if request.htmx:
            return render(request, f"{COMMENT}#comment-card", _card_context(request, comment))
        return redirect(f"{comment.thread.get_absolute_url()}#c{comment.pk}")
    template = "discussions/comment_form.html"
    if request.htmx:
        template += "#edit-form"
    status = 400 if request.method == "POST" else 200
    return render(
        request, template, {"form": form, "comment": comment, "mode": "edit"}, status=status
    )


@require_http_methods(["GET", "POST"])
@member_post
def comment_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (a comment with replies leaves a tombstone)."""
    comment = _visible_comment(request, pk)
    if request.method == "GET":
        return render(request, "discussions/comment_delete.html", {"comment": comment})
    try:
        remaining = services.comment_delete(comment=comment, user=request.user)
    except DiscussionError as error:
        return error_response(request, error)
    if not request.htmx:
        return redirect(comment.thread.get_absolute_url())
    if remaining is None:
        response = HttpResponse("")
        response["HX-Retarget"] = f"#c{pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, f"{COMMENT}#comment-card", _card_context(request, remaining))


@require_http_methods(["GET", "POST"])
@member_post
def comment_flag(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Report a comment to the moderators, with a reason."""
    comment = _visible_comment(request, pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_flag(comment=comment, reporter=request.user, **form.cleaned_data)
        except DiscussionError as error:
            return error_response(request, error)
        return render(request, "discussions/comment_flag.html", {"comment": comment, "done": True})
    status = 400 if request.method == "POST" else 200
    return render(
        request, "discussions/comment_flag.html", {"comment": comment, "form": form}, status=status
    )


@require_POST
@member_post
def comment_moderate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Moderators hide a comment or restore it."""
    comment = _visible_comment(request, pk)
    try:
        services.comment_moderate(
            comment=comment, moderator=request.user, hide=request.POST.get("action") == "hide"
        )
    except DiscussionError as error:
        return error_response(request, error)
    if request.htmx:
        return render(request, f"{COMMENT}#comment-card", _card_context(request, comment))
    return redirect(f"{comment.thread.get_absolute_url()}#c{comment.pk}")


@require_GET
def comment_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Earlier versions of an edited comment."""
    comment = _visible_comment(request, pk)
    hidden = comment.is_hidden and not comment.thread.can_moderate(request.user)
    revisions = [] if hidden or comment.is_deleted else list(comment.revisions.all())
    _mark_spoilers(request, comment)
    return render(
        request, "discussions/comment_history.html", {"comment": comment, "revisions": revisions}
    )


@require_POST
@member_post
def thread_lock(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    try:
        services.thread_lock(
            thread=thread, moderator=request.user, locked=request.POST.get("action") == "lock"
        )
    except DiscussionError as error:
        return error_response(request, error)
    return redirect(thread.get_absolute_url())


@require_POST
@member_post
def thread_follow(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Follow a thread without commenting (or stop following it)."""
    thread = _visible_thread(request, pk)
    follow = request.POST.get("action") != "unfollow"
    services.thread_follow(thread=thread, user=request.user, follow=follow)
    if request.htmx:
        return render(
            request,
            "discussions/_thread.html#follow-form",
            {"thread": thread, "following": follow, "user": request.user},
        )
    return redirect(thread.get_absolute_url())
