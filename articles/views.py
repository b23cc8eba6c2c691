"""Public pages. Thin: each view picks a QuerySet and a template; rules live on the models."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import DetailView

from .models import Article, ArticleSlugRedirect, Company, CompanySlugRedirect, RelatedLink

PAGE_SIZE = 20


def home(request):
    articles = Article.objects.published().with_cards()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/home.html", {"page_obj": page, "articles": page.object_list})


class ArticleDetailView(DetailView):
    """An article; staff also preview drafts here. Old slugs answer 301 to the current one."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        links = RelatedLink.objects.select_related("target").order_by("position", "id")
        return Article.objects.visible_to(self.request.user).prefetch_related(
            "sections", "companies", Prefetch("related_links", queryset=links)
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = ArticleSlugRedirect.objects.filter(old_slug=self.kwargs["slug"]).select_related("article")
            old = moved.first()
            if old is None or not self.get_queryset().filter(pk=old.article_id).exists():
                raise
            return redirect(old.article, permanent=True)


def company_detail(request, slug):
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        moved = get_object_or_404(CompanySlugRedirect.objects.select_related("company"), old_slug=slug)
        return redirect(moved.company, permanent=True)
    articles = Article.objects.published().filter(companies=company).with_cards()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/company_detail.html",
        {"company": company, "page_obj": page, "articles": page.object_list},
    )
