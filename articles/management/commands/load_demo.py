"""``python manage.py load_demo``: load the demo archive from ``articles.demo_data``.

Companies are keyed by slug, aliases by name (ignoring case, like their constraint), articles
by slug. The command is idempotent: a second run finds every row as wanted and writes nothing,
so ``updated_at`` and ``version`` stay put. An article whose fields, companies, sections or
related links drifted from the demo data is brought back to it; its sections and links are
then deleted and recreated (sections get their anchors from their headings on save) and its
version is bumped, so an editor's open form notices the change.

Everything runs in one transaction: articles first, then related links (internal links need
their targets). Search and page cache are refreshed once, after commit, for every demo article.
Rows that are not part of the demo (other articles, companies or aliases) are left alone.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import services
from articles.demo_data import ARTICLES, COMPANIES
from articles.models import Article, Company, CompanyAlias, RelatedLink, Section


def assign(obj, values: dict) -> list[str]:
    """Set ``values`` on ``obj`` and return the names of the fields that actually changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


class Command(BaseCommand):
    help = "Charge l'archive de démonstration (entreprises, alias, articles). Peut être relancée sans risque."

    def handle(self, *args, **options):
        with transaction.atomic():
            companies = {data["slug"]: self.load_company(data) for data in COMPANIES}
            articles, created, changed = {}, set(), set()
            for data in ARTICLES:
                article, was_created, was_changed = self.load_article(data, companies)
                articles[data["slug"]] = article
                if was_created:
                    created.add(article.pk)
                elif was_changed:
                    changed.add(article.pk)
            for data in ARTICLES:
                article = articles[data["slug"]]
                if self.load_related_links(article, data["related"], articles) and article.pk not in created:
                    changed.add(article.pk)
            if changed:
                # Content changed outside the article's own save: stale forms must not overwrite it.
                Article.objects.filter(pk__in=changed).update(version=F("version") + 1, updated_at=timezone.now())
            services.refresh_after_commit(article.pk for article in articles.values())

        unchanged = len(articles) - len(created) - len(changed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Archive de démonstration : {len(articles)} articles, {len(companies)} entreprises. "
                f"Créés : {len(created)}, mis à jour : {len(changed)}, inchangés : {unchanged}."
            )
        )

    def load_company(self, data: dict) -> Company:
        """Create or update one company and its aliases."""
        values = {"name": data["name"], "description": data["description"], "website": data["website"]}
        company = (
            Company.objects.filter(slug=data["slug"]).first()
            # A company of the same name created by hand (names are unique ignoring case).
            or Company.objects.filter(name__iexact=data["name"]).first()
        )
        if company is None:
            company = Company.objects.create(slug=data["slug"], **values)
        elif changed := assign(company, values):
            company.save(update_fields=changed)

        for name in data["aliases"]:
            alias = CompanyAlias.objects.filter(name__iexact=name).first()
            if alias is None:
                CompanyAlias.objects.create(company=company, name=name)
            elif changed := assign(alias, {"company": company, "name": name}):
                alias.save()
        return company

    def load_article(self, data: dict, companies: dict[str, Company]) -> tuple[Article, bool, bool]:
        """Create or update one article with its companies and sections (not its related links).

        Returns the article, whether it was created and whether an existing one changed.
        """
        values = {
            "title": data["title"],
            "standfirst": data["standfirst"],
            "byline": data["byline"],
            "status": data["status"],
            "published_at": data["published_at"],
        }
        article = Article.objects.filter(slug=data["slug"]).first()
        created = article is None
        changed = False
        if created:
            article = Article.objects.create(slug=data["slug"], **values)
            # A live article wins over an old address that pointed elsewhere.
            services.article_record_slug(article=article, previous_slug=None)
        elif fields := assign(article, values):
            article.save(update_fields=[*fields, "updated_at"])
            changed = True

        wanted_companies = [companies[slug] for slug in data["companies"]]
        current_ids = set(article.companies.values_list("pk", flat=True))
        if current_ids != {company.pk for company in wanted_companies}:
            article.companies.set(wanted_companies)
            changed = True

        wanted_sections = [
            (position, section["heading"], section["body"])
            for position, section in enumerate(data["sections"], start=1)
        ]
        current_sections = list(article.sections.order_by("position").values_list("position", "heading", "body"))
        if current_sections != wanted_sections:
            article.sections.all().delete()
            for position, heading, body in wanted_sections:
                # One save per section: Section.save() derives the anchor from the heading.
                Section(article=article, position=position, heading=heading, body=body).save()
            changed = True

        return article, created, changed and not created

    def load_related_links(self, article: Article, links: list[dict], articles: dict[str, Article]) -> bool:
        """Make ``article``'s "Pour aller plus loin" list match ``links``; return whether it changed."""
        wanted = []
        for position, link in enumerate(links, start=1):
            target = articles[link["article"]] if "article" in link else None
            wanted.append((position, link.get("title", ""), target.pk if target else None, link.get("url", "")))
        current = list(article.related_links.order_by("position").values_list("position", "title", "target", "url"))
        if current == wanted:
            return False
        article.related_links.all().delete()
        for position, title, target_id, url in wanted:
            # One save per link: RelatedLink.save() normalises and validates the URL.
            RelatedLink(article=article, position=position, title=title, target_id=target_id, url=url).save()
        return True
