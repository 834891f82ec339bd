from django.contrib import admin
from django.urls import include, path

from bookclub import views
from bookclub.accounts import views as account_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Before allauth's own, which it replaces (bookclub/accounts/views.py says why).
    path("accounts/sessions/", account_views.sessions, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("", include("bookclub.accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("discussions.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "bookclub.views.bad_request"
handler403 = "bookclub.views.permission_denied"
handler404 = "bookclub.views.page_not_found"
handler500 = "bookclub.views.server_error"
