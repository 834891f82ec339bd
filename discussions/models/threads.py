"""Threads and their nested comments.

Tree strategy: a materialised path. Every comment stores ``path``, the
concatenation of its ancestors' ids and its own, each zero-padded to
``PATH_STEP`` digits, plus ``root`` (its top-level ancestor, itself for a
top-level comment). Ordering by ``path`` is a depth-first walk with replies in
posting order, so one indexed query (``root_id IN page``) ORDER BY path fetches
a page of top-level comments with every descendant, on SQLite and PostgreSQL
alike, and a subtree is a ``path`` prefix. Unlike a recursive CTE it needs no
backend-specific SQL to read (PostgreSQL only saves a statement on insert), and
unlike treebeard it needs no extra dependency or global renumbering on insert.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_save
from django.urls import reverse

PATH_STEP = 10


class ThreadQuerySet(models.QuerySet):
    def of_book(self, slug: str) -> Thread | None:
        """The thread of the book with this slug, with the book (None: the book has no
        thread yet, or there is no such book)."""
        return self.select_related("book").filter(book__slug=slug).first()


class Thread(models.Model):
    """One conversation about one discussed thing: a book, or a club's meeting."""

    book = models.OneToOneField(
        "catalog.Book", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    meeting = models.OneToOneField(
        "discussions.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    # A question's own small thread: its answers (discussions/models/questions.py).
    question = models.OneToOneField(
        "discussions.Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    is_locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        constraints = [
            # A thread is about exactly one thing; visibility rules depend on which.
            models.CheckConstraint(
                condition=(
                    Q(book__isnull=False) & Q(meeting__isnull=True) & Q(question__isnull=True)
                )
                | (Q(book__isnull=True) & Q(meeting__isnull=False) & Q(question__isnull=True))
                | (Q(book__isnull=True) & Q(meeting__isnull=True) & Q(question__isnull=False)),
                name="thread_about_one_thing",
                violation_error_message=(
                    "A thread is about one book, one meeting or one question, not several."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.meeting_id:
            return self.meeting.thread_title()
        if self.question_id:
            return f"Answers to: {self.question}"
        return f"Thread about {self.book}" if self.book_id else f"Thread {self.pk}"

    def get_absolute_url(self) -> str:
        if self.book_id:
            from discussions.links import book_page_url

            return book_page_url(self.book)
        if self.meeting_id:
            return self.meeting.get_absolute_url()
        if self.question_id:
            return self.question.get_absolute_url()
        return reverse("discussions:thread", kwargs={"pk": self.pk})

    @property
    def club(self):
        if self.question_id:
            return self.question.club
        return self.meeting.club if self.meeting_id else None

    @property
    def spoiler_book_id(self) -> int | None:
        """The book whose reading sections gate this thread's comments (None: not gated)."""
        if self.meeting_id:
            return self.meeting.book_id
        if self.question_id:
            return self.question.book_id
        return None

    def can_moderate(self, user) -> bool:
        """Staff moderate every thread; anyone else only where the hook allows it."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return bool(user.is_staff) or self.moderator_check(user)

    def moderator_check(self, user) -> bool:
        """A meeting's or a question's thread is moderated by its club's organisers (those
        the club admits: it may ask them for a second factor)."""
        if self.meeting_id or self.question_id:
            return self.club.is_organiser(user) and self.club.admits_organiser(user)
        return False

    def is_visible_to(self, user) -> bool:
        """Book threads are public; a meeting's or question's thread is as visible as its
        club."""
        if self.book_id:
            return True
        if self.meeting_id or self.question_id:
            club = self.club
            if club.is_public:
                return True
            if not getattr(user, "is_authenticated", False) or not user.is_active:
                return False
            return bool(user.is_staff) or club.is_member(user)
        return False

    def audience(self, user_ids) -> set[int]:
        """Which of these members may read this thread (notifications go to no one else)."""
        user_ids = set(user_ids)
        club = self.club
        if not user_ids or self.book_id or (club is not None and club.is_public):
            return user_ids
        from django.contrib.auth import get_user_model

        if club is None:
            return set()
        return set(
            get_user_model()
            .objects.filter(pk__in=user_ids, is_active=True)
            .filter(Q(club_memberships__club=club) | Q(is_staff=True))
            .values_list("pk", flat=True)
        )

    def post_check(self, user) -> str:
        """Why this user may not post here ("" when they may)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return "Sign in to post."
        if self.meeting_id and not (self.club.is_member(user) or user.can_organise(self.club)):
            return f"Only members of {self.club.name} can post in this meeting's discussion."
        if self.question_id and not (self.club.is_member(user) or user.can_organise(self.club)):
            return f"Only members of {self.club.name} can answer its questions."
        if self.question_id and self.question.is_deleted:
            return "This question was deleted: its answers stay, but it takes no new ones."
        if self.is_locked and not self.can_moderate(user):
            return "This thread is locked."
        return ""

    def can_post(self, user) -> bool:
        return not self.post_check(user)


class CommentQuerySet(models.QuerySet):
    def with_thread(self, pk: int) -> Comment | None:
        """The comment with its thread and the thread's book, or meeting and club
        (None: no such comment)."""
        related = self.select_related(
            "thread__book", "thread__meeting__club", "thread__question__club"
        )
        return related.filter(pk=pk).first()

    def top_level(self):
        return self.filter(parent__isnull=True)

    def sorted_by(self, sort: str):
        orderings = {
            "oldest": ("created_at", "id"),
            "replies": ("-reply_count", "-created_at", "-id"),
        }
        return self.order_by(*orderings.get(sort, ("-created_at", "-id")))

    def with_authors(self):
        return self.select_related("author", "source", "section")

    def add_to_reply_counts(self, ancestor_ids: list[int], change: int) -> None:
        """Add `change` (+1 for a new reply, -1 for a deleted one) to these reply counts.

        One statement that locks the rows in id order, then updates them. A plain UPDATE
        locks rows in the order it meets them, and PostgreSQL meets a bitmap scan's rows in
        their physical order, which every update changes: two replies under the same
        comment could each hold an ancestor the other waits for, and one of them failed with
        "deadlock detected" (the bench's all-replies-under-one-comment run). Sorted, every
        writer queues in the same order. FOR NO KEY UPDATE does not block new replies'
        foreign-key checks on these rows; the slice keeps the subquery's ORDER BY (Django
        drops it from an unsliced `__in` subquery). SQLite ignores the lock (it serialises
        writers).
        """
        if not ancestor_ids:
            return
        in_id_order = (
            self.filter(pk__in=ancestor_ids)
            .order_by("pk")
            .select_for_update(no_key=True)
            .values("pk")[: len(ancestor_ids)]
        )
        self.filter(pk__in=in_id_order).update(reply_count=F("reply_count") + change)

    def create_in_tree(self, *, parent: Comment | None = None, **fields) -> Comment:
        """A new comment under `parent` (None: top level), its path and root set, and one
        more reply counted on each of its ancestors, all or nothing.

        The path ends with the comment's own id. On PostgreSQL all of it is one statement
        (below); elsewhere it is an INSERT, an UPDATE for the path and the ancestors' UPDATE
        in a transaction. The post_save signal goes out as for save(), so the caches that
        follow comments are retired either way.
        """
        self._for_write = True  # as create() does: a database router sends it to the primary
        connection = connections[self.db]
        if connection.vendor != "postgresql":
            with transaction.atomic(using=self.db):
                comment = self.create(parent=parent, **fields)
                comment.place_in_tree(parent)
                comment.save(update_fields=["path", "root"])
                self.add_to_reply_counts(comment.ancestor_ids(), +1)
            return comment
        comment = self.model(parent=parent, **fields)
        with connection.cursor() as cursor:
            cursor.execute(*self._insert_in_tree_sql(comment, parent, connection))
            (comment.pk,) = cursor.fetchone()
        comment.place_in_tree(parent)
        comment._state.adding = False
        comment._state.db = self.db
        post_save.send(
            sender=self.model,
            instance=comment,
            created=True,
            update_fields=None,
            raw=False,
            using=self.db,
        )
        return comment

    def _insert_in_tree_sql(self, comment: Comment, parent: Comment | None, connection):
        """One statement (so one round trip, and atomic without BEGIN and COMMIT) that draws
        the id from the table's sequence, inserts the row with the path and root made from
        it, and adds one to the ancestors' reply counts, locked in id order as
        add_to_reply_counts() does. It replaced five round trips (BEGIN, nextval, INSERT,
        UPDATE, COMMIT) and two compiled ORM statements (bench/README.md, "Findings")."""
        table = self.model._meta.db_table
        quote = connection.ops.quote_name
        fields = [
            f
            for f in self.model._meta.concrete_fields
            if f.attname not in ("id", "path", "root_id")
        ]
        columns = ", ".join(quote(f.column) for f in fields)
        values = [f.get_db_prep_save(f.pre_save(comment, add=True), connection) for f in fields]
        ancestors = parent.path_ids() if parent is not None else []
        counted = ""
        params: list = []
        # Only the table's and columns' own names are formatted in; values are parameters.
        if ancestors:
            counted = f"""
            , counted AS (
                UPDATE {table} SET reply_count = reply_count + 1
                WHERE id IN (
                    SELECT id FROM {table} WHERE id = ANY(%s)
                    ORDER BY id LIMIT %s FOR NO KEY UPDATE
                )
            )"""  # noqa: S608
            params += [ancestors, len(ancestors)]
        sql = f"""
            WITH new AS (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id){counted}
            INSERT INTO {table} (id, path, root_id, {columns})
            SELECT new.id, %s || lpad(new.id::text, {PATH_STEP}, '0'),
                   COALESCE(%s, new.id), {", ".join(["%s"] * len(values))}
            FROM new
            RETURNING id
        """  # noqa: S608
        prefix = parent.path if parent is not None else ""
        root_id = parent.root_id if parent is not None else None
        return sql, [table, *params, prefix, root_id, *values]


class Comment(models.Model):
    """A comment by a member, or one imported from a seed document (no account behind it)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    # RESTRICT: a comment with replies can never be hard-deleted by accident
    # (deleting it leaves a tombstone), yet deleting the whole thread still works.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies"
    )
    # Top-level ancestor (itself at the top): one query fetches a page of trees.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    path = models.CharField(max_length=1000, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    imported_handle = models.CharField(max_length=150, blank=True, default="")
    source = models.ForeignKey(
        "catalog.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # A tombstone left by a member who deleted their account ("[deleted member]").
    author_left = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # The reading section a meeting comment discusses: readers not there yet see it collapsed.
    section = models.ForeignKey(
        "discussions.ReadingSection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Replies at any depth below this comment: sorts "most replied" without a join.
    reply_count = models.PositiveIntegerField(default=0)

    # Set on a new comment until its notifications (one row per follower, then emails) are
    # made by the fan-out task, after the request that posted it; beat's sweeper enqueues
    # the fan-out again while it stays set (the broker was down, a worker died).
    fan_out_pending = models.BooleanField(default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(fan_out_pending=True),
                name="comment_fan_out_outbox",
            ),
            models.Index(fields=["root", "path"], name="comment_tree_by_root"),
            # A page of a thread is a page of its top-level comments in one of SORTS' orders:
            # partial indexes in exactly those orders let PostgreSQL read 21 rows instead of
            # sorting every root (bench: 13 ms -> well under 1 ms on a 10,000-comment thread).
            models.Index(
                fields=["thread", "-created_at", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_roots_by_date",
            ),
            models.Index(
                fields=["thread", "-reply_count", "-created_at", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_roots_by_replies",
            ),
        ]
        constraints = [
            # Re-importing a seed document must not duplicate its comments.
            models.UniqueConstraint(
                fields=["thread", "source", "imported_handle", "created_at"],
                name="comment_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_name}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:comment", kwargs={"pk": self.pk})

    @property
    def depth(self) -> int:
        return max(len(self.path) // PATH_STEP - 1, 0)

    @property
    def is_imported(self) -> bool:
        return self.author_id is None and bool(self.imported_handle)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def author_name(self) -> str:
        if self.author_id:
            return self.author.public_name
        return self.imported_handle or "[deleted]"

    def place_in_tree(self, parent: Comment | None) -> None:
        """Set path and root from the comment's id (already given) and its parent's."""
        prefix = parent.path if parent is not None else ""
        self.path = f"{prefix}{self.pk:0{PATH_STEP}d}"
        self.root_id = parent.root_id if parent is not None else self.pk

    def path_ids(self) -> list[int]:
        """The ids along this comment's path: its ancestors from the top, then itself."""
        return [int(self.path[i : i + PATH_STEP]) for i in range(0, len(self.path), PATH_STEP)]

    def ancestor_ids(self) -> list[int]:
        return self.path_ids()[:-1]

    def shows_body_to(self, user, *, moderator: bool) -> bool:
        if self.is_deleted:
            return False
        return not self.is_hidden or moderator

    def can_edit(self, user) -> bool:
        return (
            getattr(user, "is_authenticated", False)
            and self.author_id == user.pk
            and not self.is_deleted
            and not self.is_hidden
        )


class CommentRevision(models.Model):
    """The text a comment had before an edit: edits stay accountable."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A member's report that a comment breaks the rules; moderators resolve it."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Harassment or abuse"
        SPOILER = "spoiler", "Unmarked spoiler"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="flag_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class Follow(models.Model):
    """A member follows a thread: new comments notify them (email only if they allow it)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    email = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="follow_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.thread}"
