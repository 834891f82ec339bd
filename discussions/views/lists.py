"""Book lists: a member's own and their clubs', each with a page, an Atom feed and JSON-LD.

A club's "Books we've read" is the same page over Club.books_read(): it fills itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookclub.ratelimit import post_rate_limited
from bookclub.text import one_line, without_controls
from catalog.models import Authorship
from discussions import permissions
from discussions.forms.lists import BookListForm, ListItemForm, ListNoteForm
from discussions.jsonld import jsonld_script
from discussions.models import BookList, Club, ListItem
from discussions.services import lists
from discussions.views.common import HtmxHttpRequest, member_post

TEMPLATE = "discussions/book_list.html"
FEED_LIMIT = 200


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _with_authors(books):
    return books.prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author"))
    )


def _entries(book_list: BookList) -> list[ListItem]:
    items = book_list.items.select_related("book", "added_by").prefetch_related(
        Prefetch("book__authorships", queryset=Authorship.objects.select_related("author"))
    )
    return list(items)


def _read_entries(club: Club) -> list[ListItem]:
    """The club's books read, shaped like list items (position, book, no note)."""
    books = _with_authors(club.books_read())
    return [
        ListItem(position=n, book=book, added_at=book.read_on)
        for n, book in enumerate(books, start=1)
    ]


def _itemlist(name: str, url: str, entries: list[ListItem]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": name,
        "url": _absolute(url),
        "numberOfItems": len(entries),
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "item": {
                    "@type": "Book",
                    "name": item.book.title,
                    "url": _absolute(item.book.get_absolute_url()),
                    **({"description": item.note} if item.note else {}),
                },
            }
            for n, item in enumerate(entries, start=1)
        ],
    }


def _render(
    request, book_list: BookList, *, item_form=None, list_form=None, status: int = 200
) -> HttpResponse:
    entries = _entries(book_list)
    template = TEMPLATE + ("#list-items" if request.htmx and request.method == "POST" else "")
    context = {
        "book_list": book_list,
        "entries": entries,
        "can_edit": permissions.can_edit_list(request.user, book_list),
        "item_form": item_form or ListItemForm(),
        "list_form": list_form
        or BookListForm(
            initial={
                "title": book_list.title,
                "description": book_list.description,
                "is_public": book_list.is_public,
            }
        ),
        "feed_url": reverse("discussions:book_list_feed", args=[book_list.pk]),
        "jsonld": jsonld_script(_itemlist(book_list.title, book_list.get_absolute_url(), entries)),
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@post_rate_limited
def my_lists(request: HtmxHttpRequest) -> HttpResponse:
    """The member's lists and their clubs' lists; make a new one of their own."""
    form = BookListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        book_list = lists.book_list_create(owner=request.user, **form.cleaned_data)
        return redirect(book_list)
    mine = BookList.objects.filter(owner=request.user).annotate(books=Count("items"))
    clubs = Club.objects.of_member(request.user).order_by("name")
    club_lists = (
        BookList.objects.filter(club__in=clubs)
        .select_related("club")
        .annotate(books=Count("items"))
    )
    context = {"form": form, "mine": mine, "clubs": clubs, "club_lists": club_lists}
    return render(request, "discussions/lists.html", context, status=400 if form.errors else 200)


@require_POST
@member_post
def club_list_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A list the club's members keep together (suggestions, say)."""
    club = permissions.club_for_member(request.user, slug)
    form = BookListForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("title", ["Check the list's title."])))
        return redirect("discussions:my_lists")
    data = {k: v for k, v in form.cleaned_data.items() if k != "is_public"}
    return redirect(lists.book_list_create(club=club, **data))


@require_GET
def book_list_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The list: its books in order with their notes; its editors change it here."""
    return _render(request, permissions.book_list_for(request.user, pk))


@require_POST
@member_post
def book_list_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    book_list = permissions.book_list_for_editor(request.user, pk)
    form = BookListForm(request.POST)
    if form.is_valid():
        try:
            lists.book_list_update(book_list=book_list, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect(book_list)
    # What was typed comes back with the reasons, in the list page's "Change the list".
    book_list.refresh_from_db()
    return _render(request, book_list, list_form=form, status=400)


@require_POST
@member_post
def book_list_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    book_list = permissions.book_list_for_editor(request.user, pk)
    if book_list.club_id and not permissions.can_organise(request.user, book_list.club):
        return HttpResponse("Only the club's organisers can delete its lists.", status=403)
    lists.book_list_delete(book_list=book_list)
    messages.success(request, f"The list “{book_list.title}” is gone; its books stay.")
    return redirect("discussions:my_lists")


@require_POST
@member_post
def list_item_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a book (by title or ISBN) with a note; a refusal keeps what was typed."""
    book_list = permissions.book_list_for_editor(request.user, pk)
    form = ListItemForm(request.POST)
    if form.is_valid():
        try:
            lists.list_item_add(
                book_list=book_list,
                book=form.cleaned_data["book"],
                note=form.cleaned_data["note"],
                added_by=request.user,
            )
        except ValidationError as error:
            form.add_error("book", error.messages)
        else:
            if request.htmx:
                return _render(request, book_list)
            return redirect(book_list)
    return _render(request, book_list, item_form=form, status=400)


@require_POST
@member_post
def list_item_change(request: HtmxHttpRequest, pk: int, item: int) -> HttpResponse:
    """Move a book up or down, change its note, or take it off the list."""
    book_list = permissions.book_list_for_editor(request.user, pk)
    entry = get_object_or_404(ListItem, pk=item, book_list=book_list)
    entry.book_list = book_list
    action = request.POST.get("action", "note")
    if action in {"up", "down"}:
        lists.list_item_move(item=entry, up=action == "up")
    elif action == "remove":
        lists.list_item_remove(item=entry)
    else:
        form = ListNoteForm(request.POST)
        if not form.is_valid():
            return HttpResponse("A note is at most 2000 characters.", status=400)
        lists.list_item_note_set(item=entry, note=form.cleaned_data["note"])
    if request.htmx:
        return _render(request, book_list)
    return redirect(book_list)


@require_GET
def club_books_read(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The club's "Books we've read": its past meetings' books, filled in by itself."""
    club = permissions.club_for(request.user, slug)
    entries = _read_entries(club)
    url = reverse("discussions:club_books_read", args=[club.slug])
    name = f"{club.name}: books we've read"
    context = {
        "club": club,
        "entries": entries,
        "name": name,
        "feed_url": reverse("discussions:club_books_read_feed", args=[club.slug]),
        "jsonld": jsonld_script(_itemlist(name, url, entries)),
    }
    return render(request, "discussions/club_books_read.html", context)


class _ListFeed(Feed):
    feed_type = Atom1Feed

    def link(self, obj) -> str:
        return _absolute(obj["url"])

    def title(self, obj) -> str:
        return one_line(obj["name"])

    def subtitle(self, obj) -> str:
        return without_controls(obj["description"][:300])

    def items(self, obj):
        return obj["entries"][:FEED_LIMIT]

    def item_title(self, item: ListItem) -> str:
        return one_line(f"{item.position}. {item.book.title}")

    def item_description(self, item: ListItem) -> str:
        authors = ", ".join(a.author.name for a in item.book.authorships.all())
        return without_controls(" — ".join(part for part in (authors, item.note) if part))

    def item_link(self, item: ListItem) -> str:
        return _absolute(item.book.get_absolute_url())

    def item_guid(self, item: ListItem) -> str:
        return _absolute(item.book.get_absolute_url())

    def item_pubdate(self, item: ListItem):
        return item.added_at


class BookListFeed(_ListFeed):
    """A list's books, in its order, as Atom."""

    def get_object(self, request: HttpRequest, pk: int) -> dict:
        book_list = permissions.book_list_for(request.user, pk)
        url = book_list.get_absolute_url()
        return {
            "name": book_list.title,
            "url": url,
            "description": book_list.description,
            "entries": _entries(book_list),
        }


class ClubBooksReadFeed(_ListFeed):
    def get_object(self, request: HttpRequest, slug: str) -> dict:
        club = permissions.club_for_feed(request, slug)
        return {
            "name": f"{club.name}: books we've read",
            "url": reverse("discussions:club_books_read", args=[club.slug]),
            "description": "",
            "entries": _read_entries(club),
        }


book_list_feed = require_GET(BookListFeed())
club_books_read_feed = require_GET(ClubBooksReadFeed())
