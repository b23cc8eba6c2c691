"""The benchmark harness behind ``manage.py bench`` and ``scripts/loadtest``.

- ``settings``/``urls``/``views``: the production settings plus a hello-world view (the ceiling
  H, served through the same middleware as every page), and optionally no cache at all;
- ``server``: runs the project under gunicorn on a free loopback port;
- ``load``: drives it with ``wrk`` (bounded in time and in requests);
- ``run``: what is measured, the targets, and the Markdown/JSON report.
"""
