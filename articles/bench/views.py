"""The hello-world view: the fastest answer the stack can give, the benchmark's unit H."""

from django.http import HttpResponse

HELLO_PATH = "/__bench__/hello/"


def hello(request):
    # No template, no database, no cache: what remains is gunicorn, WSGI and the middleware
    # every public page also goes through.
    return HttpResponse("Bonjour\n", content_type="text/plain; charset=utf-8")
