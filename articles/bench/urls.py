"""The project's URLs plus the hello-world ceiling; mounted only by ``articles.bench.settings``."""

from django.urls import path

from newsroom.urls import urlpatterns as project_urlpatterns

from .views import HELLO_PATH, hello

urlpatterns = [path(HELLO_PATH.strip("/") + "/", hello, name="bench_hello"), *project_urlpatterns]
