"""The project's URLs under /ailleurs/ (tests of articles.links)."""

from django.urls import include, path

urlpatterns = [path("ailleurs/", include("newsroom.urls"))]
