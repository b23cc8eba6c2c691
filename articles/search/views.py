"""The results page and its JSON twin. Thin: validate with SearchForm, call ``search()``, render.

Both are public pages (``articles.cache.public_page``): a search already made is served from
the page cache until the archive changes, every different search (words, filters, sort, page:
the form's fields, as sent) being a page of its own. A search that has not been made since
the last change runs in full; BENCHMARKS.md measures both.
"""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..cache import public_page
from . import SORT_DATE, SORT_RELEVANCE, SearchResults, search
from .cards import hit_cards
from .forms import SearchForm


class Links:
    """Query strings for refining the current search: facets, filters, sort, pages."""

    def __init__(self, form: SearchForm):
        data = form.cleaned_data if form.is_valid() else {}
        self.base = {
            "q": data.get("q") or "",
            "entreprise": [c.slug for c in form.companies],
            "du": data["du"].isoformat() if data.get("du") else "",
            "au": data["au"].isoformat() if data.get("au") else "",
            "tri": data.get("tri") or "",
        }

    def make(self, **changes) -> str:
        params = {**self.base, **changes}
        pairs = []
        for key in SearchForm.PARAMETERS:
            value = params.get(key)
            for v in value if isinstance(value, list) else [value]:
                if v in (None, "") or (key == "page" and v == 1):
                    continue
                pairs.append((key, str(v)))
        return "?" + urlencode(pairs)

    def with_company(self, slug: str) -> str:
        companies = self.base["entreprise"]
        return self.make(entreprise=companies if slug in companies else [*companies, slug])

    def without_company(self, slug: str) -> str:
        return self.make(entreprise=[s for s in self.base["entreprise"] if s != slug])

    def with_year(self, year: str) -> str:
        return self.make(du=f"{year}-01-01", au=f"{year}-12-31")

    def without_dates(self) -> str:
        return self.make(du="", au="")

    def page(self, number: int) -> str:
        return self.make(page=number)

    def sort(self, value: str) -> str:
        return self.make(tri="" if value == SORT_RELEVANCE else value)

    def query(self, text: str) -> str:
        return self.make(q=text)


def _run(request):
    form = SearchForm(request.GET)
    results = None
    if form.is_valid() and (form.cleaned_data.get("q") or "").strip():
        results = search(form.search_request())
    return form, results, Links(form)


@require_safe
@public_page(params=(), query=SearchForm.PARAMETERS)
def results(request):
    """``/recherche/?q=...&entreprise=<slug>&du=&au=&tri=pertinence|date&page=N``."""
    form, found, links = _run(request)
    context = {"form": form, "results": found, "links": links, "errors": form.error_list()}
    if found is not None:
        context.update(
            hit_cards=hit_cards(found.hits),
            company_facets=[(f, links.with_company(f.value)) for f in found.company_facets],
            year_facets=[(f, links.with_year(f.value)) for f in found.year_facets],
            active_companies=[(c, links.without_company(c.slug)) for c in form.companies],
            sort_links={SORT_RELEVANCE: links.sort(SORT_RELEVANCE), SORT_DATE: links.sort(SORT_DATE)},
            previous_url=links.page(found.page - 1) if found.has_previous else None,
            next_url=links.page(found.page + 1) if found.has_next else None,
            first_page_url=links.page(1),
            suggestion_url=links.query(found.suggestion) if found.suggestion else None,
        )
    return render(request, "search/results.html", context, status=400 if form.errors else 200)


@require_safe
@public_page(params=(), query=SearchForm.PARAMETERS)
def api(request):
    """The same search as JSON, for other tools: results with absolute URLs, snippets, facets, pages."""
    form, found, links = _run(request)
    if form.errors:
        return JsonResponse({"errors": form.error_list()}, status=400)
    return JsonResponse(_payload(request, form, found, links), json_dumps_params={"ensure_ascii": False})


def _payload(request, form, found: SearchResults | None, links: Links) -> dict:
    absolute = request.build_absolute_uri
    api_url = reverse("search:api")
    if found is None:
        return {"query": "", "total": 0, "total_is_capped": False, "page": 1, "num_pages": 0, "results": []}
    return {
        "query": found.request.text,
        "total": found.total,
        "total_is_capped": found.total_is_capped,
        "page": found.page,
        "num_pages": found.num_pages,
        "previous": absolute(api_url + links.page(found.page - 1)) if found.has_previous else None,
        "next": absolute(api_url + links.page(found.page + 1)) if found.has_next else None,
        "message": found.message,
        "suggestion": found.suggestion,
        "results": [
            {
                "title": hit.article.title,
                "url": absolute(hit.article.get_absolute_url()),
                "published_at": hit.article.published_at.isoformat(),
                "standfirst": hit.article.standfirst,
                "companies": [
                    {"name": c.name, "slug": c.slug, "url": absolute(c.get_absolute_url())}
                    for c in hit.article.card_companies
                ],
                "snippet": str(hit.snippet.html),
                "snippet_url": absolute(hit.snippet.url),
                "section": hit.snippet.heading,
            }
            for hit in found.hits
        ],
        "facets": {
            "companies": [
                {
                    "name": f.label,
                    "slug": f.value,
                    "count": f.count,
                    "url": absolute(api_url + links.with_company(f.value)),
                }
                for f in found.company_facets
            ],
            "years": [
                {"year": int(f.value), "count": f.count, "url": absolute(api_url + links.with_year(f.value))}
                for f in found.year_facets
            ],
            "sampled": found.total_is_capped,
        },
    }
