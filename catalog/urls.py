from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("books/", views.book_list, name="book_list"),
    path("books/<slug:slug>/", views.book_detail, name="book_detail"),
    path("authors/<slug:slug>/", views.author_detail, name="author_detail"),
    path("isbn/<str:raw>", views.isbn_redirect, name="isbn"),
    path("isbn/<str:raw>/", views.isbn_redirect),
    path("search/", views.search, name="search"),
]
