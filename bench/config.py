"""What the bench measures: pages, write actions, rate-limit probes and budgets.

To measure a new page, add a Page; to load-test a new write, add a WriteAction instance
(see bench/actions.py). Paths are formatted with the dataset's facts (bench/dataset.py), e.g.
"/members/{member}/" or, once the catalog pages exist, "/books/{book}/".
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.actions import (
    BookRating,
    CommentPost,
    FollowedComment,
    MeetingRSVP,
    ProfileEdit,
    WriteAction,
)
from bench.ratelimits import RateLimitProbe, wrong_password

# The budgets. Issue #7 set the query budget and the visitor book page's; issue #14 ("Fast the
# Django way": HTTP caching, ETags, django-redis) added the 304 revalidation, and moved the
# signed-in pages' and the writes' budgets. VISITOR_RATIO is the visitor *book page's* budget
# (not cached by any proxy): give it to that page and any page meant to be as cheap;
# SIGNED_IN_RATIO applies to every signed-in page.
VISITOR_RATIO = 0.40  # serves >= 40% of the bare view's requests/s (issue #7)
REVALIDATION_RATIO = 0.60  # a 304 to a matching If-None-Match: >= 60% (issue #14)
SIGNED_IN_RATIO = 0.10  # serves >= 10% (issue #14; was 20%)
WRITE_P99_FACTOR = 15.0  # a write's p99 latency <= 15x the bare view's p99 (issue #14; was 10x)
QUERY_BUDGET = 12  # SQL queries per page, the same at every data size


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # formatted with the dataset facts
    signed_in: bool = False
    min_ratio: float | None = None  # None: measured and shown, no throughput budget
    expect: str = ""  # text the page must contain, so the bench measures the real page
    count_queries: bool = True
    # Sent with If-None-Match: <the ETag of a plain GET just before>; every answer must be a
    # 304 (a 200 means the page was rendered and sent again: the row measured something else).
    revalidate: bool = False


# The first entry is the ceiling: a bare Django view through the same server stack, no database.
BARE = Page("bare view /livez", "/livez", expect="ok", count_queries=False)

PAGES: list[Page] = [
    Page("health check /healthz", "/healthz", expect='"database": "up"'),
    Page("home (visitor)", "/", expect="Read together"),
    Page("home (signed in)", "/", signed_in=True, min_ratio=SIGNED_IN_RATIO, expect="Log out"),
    Page("member profile (visitor)", "/members/{member}/", expect="@{member}"),
    Page(
        "member profile (signed in)",
        "/members/{member}/",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="@{member}",
    ),
    Page("log-in form", "/accounts/login/", expect='name="password"'),
    Page("book page (visitor)", "/books/{book}/", min_ratio=VISITOR_RATIO, expect="{book_title}"),
    Page(
        "book page (visitor, 304 revalidation)",
        "/books/{book}/",
        min_ratio=REVALIDATION_RATIO,
        revalidate=True,
    ),
    Page(
        "book page (signed in)",
        "/books/{book}/",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="{book_title}",
    ),
    Page(
        "10,000-comment thread, first page (visitor)",
        "/books/{big_thread_book}/community/",
        expect='id="c',
    ),
    Page("book list (visitor)", "/books/", expect="/books/book-"),
    Page("search (visitor)", "/search/?q={search}", expect="{search}"),
    # Issue #15 item 26: a word only the books' descriptions contain (weight D, with snippets
    # and the clubs and meetings part). The visitor's page is stored whole after the first
    # request; the signed-in row measures the search itself, every time.
    Page(
        "search by description (visitor)",
        "/search/?q={description_search}",
        expect="<mark>Hailsham</mark>",
    ),
    Page(
        "search by description (signed in)",
        "/search/?q={description_search}",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="<mark>Hailsham</mark>",
    ),
    # Issue #18 item 5: a member's own reading stats (their finished reads, ratings and
    # genres, charts drawn on the server), within the signed-in budget.
    Page(
        "reading stats (signed in)",
        "/library/stats/",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="Your reading stats",
    ),
    Page(
        "meeting page (signed in)",
        "/clubs/{club}/meetings/{meeting}/",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="Meeting",
    ),
    # Issue #17: a club read and its catch-up, within the meeting page's budgets.
    Page(
        "club read page (signed in)",
        "/clubs/{club}/reads/{read}/",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="This week: Chapters 1–6",
    ),
    Page(
        "catch-up view (signed in)",
        "/clubs/{club}/reads/{read}/catch-up/",
        signed_in=True,
        min_ratio=SIGNED_IN_RATIO,
        expect="Catch up on",
    ),
]

# The database-backed page a visitor keeps reading while PostgreSQL is down (must answer 503).
OUTAGE_READ_PATH = "/members/{member}/"

# Pages read while Redis is down: each must answer 200 with its expected text, and the
# signed-in ones must still show "Log out" (sessions must survive losing the cache).
REDIS_OUTAGE_PAGES: list[Page] = [
    page
    for page in PAGES
    if page.name
    in {
        "home (visitor)",
        "home (signed in)",
        "book page (visitor)",
        "book page (signed in)",
        "meeting page (signed in)",
    }
]
# Where the Redis outage's staleness check posts its comments, and the page that shows them
# (newest first): a visitor and another member must see each on their very next GET.
REDIS_OUTAGE_COMMENT = ("/books/{book}/comments/", "/books/{book}/")

# Write actions: measured for throughput (p99 budget) and replayed by the integrity load.
WRITE_ACTIONS: list[WriteAction] = [ProfileEdit(), MeetingRSVP(), BookRating(), CommentPost()]
# The email faults' load (issue #16): the big thread's comments swapped for comments on a
# thread whose followers are known, so the emails owed are known (bench/email_faults.py).
EMAIL_FAULT_ACTIONS: list[WriteAction] = [
    ProfileEdit(),
    MeetingRSVP(),
    BookRating(),
    FollowedComment(),
]

RATE_LIMIT_PROBES: list[RateLimitProbe] = [
    # RATE_LIMIT_LOGIN_FAILED "…,5/5m/key": five wrong passwords per account, then refused.
    RateLimitProbe(
        "failed log-ins per account (5 per 5 min)",
        path="/accounts/login/",
        fields=wrong_password("rate_limited_member"),
        limit=5,
        attempts=8,
        form_path="/accounts/login/",
        message=b"too many failed login attempts",
    ),
    # RATE_LIMIT_LOGIN "30/m/ip": log-in posts per address, answered 429 beyond that.
    RateLimitProbe(
        "log-in posts per address (30 per min)",
        path="/accounts/login/",
        fields=wrong_password(),
        limit=30,
        attempts=40,
        form_path="/accounts/login/",
    ),
    # POST_RATE_LIMIT "20/60": a member's posts (comments, ratings) per minute.
    RateLimitProbe(
        "a member's posts (20 per min)",
        path="/books/{book}/comments/",
        fields=lambda number, facts: {"body": f"Rate-limit probe {number}"},
        limit=20,
        attempts=30,
        form_path="/books/{book}/",
        member="rate_limited_member",
    ),
]
