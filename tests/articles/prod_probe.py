"""Serve a few requests with the production settings and print what came back, as JSON.

Run by tests/articles/test_security_headers.py in a subprocess, because the settings module
reads DEBUG and friends from the environment once, at import: the only faithful way to test
production settings is to import them with production's environment. The caller sets DEBUG=0,
SECRET_KEY, ALLOWED_HOSTS=archive.example, an in-memory SQLite DATABASE_URL and a temporary
STATIC_ROOT. Not a test module itself (no ``test_`` prefix).
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tests.factories import make_article, make_company  # noqa: E402

HOST = "archive.example"


def describe(path, response):
    return {
        "path": path,
        "status": response.status_code,
        "headers": {name.lower(): value for name, value in response.headers.items()},
        "set_cookies": [morsel.OutputString() for morsel in response.cookies.values()],
        "location": response.headers.get("Location", ""),
        "html": response.content.decode("utf-8", "replace")
        if "html" in response.headers.get("Content-Type", "")
        else "",
    }


def main():
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    company = make_company("Sonde SA", aliases=["la sonde"])
    article = make_article("Un article servi en production", companies=[company])
    get_user_model().objects.create_superuser("redaction", "redaction@example.org", "Un-mot-de-passe-solide-42")

    results = {}
    client = Client(HTTP_HOST=HOST)
    results["plain_http_home"] = describe("/", client.get("/"))
    for name, path in {
        "home": "/",
        "article": article.get_absolute_url(),
        "company": company.get_absolute_url(),
        "login": "/admin/login/",
        "static": "/static/css/site.css",
    }.items():
        results[name] = describe(path, client.get(path, secure=True))
    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": "redaction", "password": "Un-mot-de-passe-solide-42"},
        secure=True,
    )
    results["login_post"] = describe("/admin/login/", login)
    results["admin_index"] = describe("/admin/", client.get("/admin/", secure=True))
    results["spoofed_host"] = describe("/", Client(HTTP_HOST="evil.example").get("/", secure=True))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
