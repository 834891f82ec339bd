from django.contrib import admin
from django.urls import include, path

from bookclub import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("favicon.ico", views.favicon, name="favicon"),
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
