"""Everything a signed-in request reads first, in one round trip to the cache."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.module_loading import import_string

from bookclub.accounts.backends import user_cache_key
from bookclub.request_memo import prefetch


class MemberPrefetchMiddleware:
    """Reads, with one MGET into the request memo, what a signed-in request reads first:
    the member, MEMBER_FIRST_READS (the header's badge, their flags) and the first reads
    of a shared page's view (bookclub.shared_pages, e.g. the catalog's version).

    Without it a signed-in page waited for the session, the member, the header's reads
    and the page's first reads in turn. It runs in process_view, where the view is known,
    so it must come before anything that loads the member (UserTimezoneMiddleware does
    that in its own process_view, after this one). Nothing read here is trusted: the
    member is still verified against the session by django.contrib.auth as it is loaded.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.member_reads = [import_string(path) for path in settings.MEMBER_FIRST_READS]

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user_id = request.session.get(SESSION_KEY)
        if user_id is None:
            return None
        keys = [user_cache_key(user_id)]
        keys += [key for reads in self.member_reads for key in reads(user_id)]
        page_reads = getattr(view_func, "shared_page_first_reads", None)
        if page_reads is not None and request.method == "GET":
            keys += page_reads(request, *view_args, **view_kwargs)
        prefetch(keys)
        return None
