"""The editors' admin: articles with their sections and related reading, companies with aliases."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from . import services
from .admin_detection import DetectedCompaniesAdminMixin
from .forms import (
    ArticleAdminForm,
    CompanyAutocomplete,
    CompanyChoiceField,
    CompanyMergeForm,
    LabelledInlineFormSet,
)
from .models import (
    Article,
    ArticleSlugRedirect,
    Company,
    CompanyAlias,
    CompanyMonth,
    CompanySlugRedirect,
    RelatedLink,
    Section,
    TaggedCompany,
)

# Companies are the archive's only tags: django-taggit's generic Tag model is unused here.
admin.site.unregister(Tag)


class ArticlePartInline:
    """Sections and links follow their article: editable only by those who may change it."""

    def _article_editable(self, request, obj):
        return obj is None or self.admin_site._registry[self.parent_model].has_change_permission(request, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


class SectionInline(ArticlePartInline, admin.StackedInline):
    model = Section
    fields = ["position", "heading", "body", "anchor"]
    readonly_fields = ["anchor"]
    extra = 0
    min_num = 1
    classes = ["sections-inline"]
    verbose_name = _("section")
    verbose_name_plural = _("sections (dans l'ordre ; la première sans intertitre en général)")


class RelatedLinkInline(ArticlePartInline, admin.TabularInline):
    model = RelatedLink
    formset = LabelledInlineFormSet
    fk_name = "article"
    fields = ["position", "title", "target", "url", "status_label"]
    readonly_fields = ["status_label"]
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name_plural = _("Pour aller plus loin")

    @admin.display(description=_("état"))
    def status_label(self, link):
        if link.pk is None:
            return ""
        if link.is_unfinished:
            return _("⚠ À compléter : choisissez un article ou une adresse")
        return _("Interne") if link.is_internal else _("Externe")


class CompanyFilter(admin.SimpleListFilter):
    title = _("entreprise")
    parameter_name = "entreprise"

    def lookups(self, request, model_admin):
        return Company.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(companies__slug=self.value())
        return queryset


class UnfinishedLinksFilter(admin.SimpleListFilter):
    title = _("liens à compléter")
    parameter_name = "liens_a_completer"

    def lookups(self, request, model_admin):
        return [("oui", _("Oui")), ("non", _("Non"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(has_unfinished_links=True)
        if self.value() == "non":
            return queryset.filter(has_unfinished_links=False)
        return queryset


@admin.register(Article)
class ArticleAdmin(DetectedCompaniesAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [SectionInline, RelatedLinkInline]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        # loaded_version and loaded_state are hidden: they let a concurrent save be refused.
        (None, {"fields": ["title", "slug", "standfirst", "byline", "companies", "loaded_version", "loaded_state"]}),
        (_("Publication"), {"fields": ["status", "published_at"]}),
    ]
    list_display = ["title", "status", "published_at", "company_list", "section_count", "unfinished_links"]
    list_filter = ["status", CompanyFilter, UnfinishedLinksFilter, "published_at"]
    search_fields = ["title", "standfirst", "sections__heading", "sections__body"]
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    list_per_page = 50
    save_on_top = True

    def get_queryset(self, request):
        unfinished = RelatedLink.objects.filter(article=OuterRef("pk"), target__isnull=True, url="")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("companies")
            .annotate(
                section_count=Count("sections", distinct=True),
                has_unfinished_links=Exists(unfinished),
            )
            # Meta.ordering does not apply to aggregated (GROUP BY) querysets: say it again.
            .order_by("-published_at", "-id")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "companies":
            return CompanyChoiceField(
                label=_("Entreprises"),
                widget=CompanyAutocomplete(db_field, self.admin_site),
                help_text=_(
                    "Tapez pour chercher une entreprise existante ; un nom nouveau crée l'entreprise "
                    "à l'enregistrement."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Contributors draft; only editors (publish permission) decide what goes live.
        if not self.has_publish_permission(request):
            return ["status", "published_at"]
        return []

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def has_change_permission(self, request, obj=None):
        # A published or scheduled article is live, or about to be: changing it is an editor's
        # call. Contributors see it read-only (they keep the view permission).
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.status != Article.Status.DRAFT:
            return self.has_publish_permission(request)
        return allowed

    @admin.display(description=_("entreprises"))
    def company_list(self, article):
        return ", ".join(company.name for company in article.companies.all())

    @admin.display(description=_("sections"), ordering="section_count")
    def section_count(self, article):
        return article.section_count

    @admin.display(description=_("liens à compléter"), boolean=True, ordering="has_unfinished_links")
    def unfinished_links(self, article):
        return article.has_unfinished_links

    def save_model(self, request, obj, form, change):
        previous_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        services.article_saved(article=obj, previous_slug=previous_slug)

    def delete_model(self, request, obj):
        services.articles_delete(articles=[obj])

    def delete_queryset(self, request, queryset):
        services.articles_delete(articles=list(queryset))

    def save_formset(self, request, form, formset, change):
        # Sections and links are saved together so positions can be renumbered 1..n (see the service).
        formset.save(commit=False)
        for section in formset.deleted_objects:
            section.delete()
        deleted = formset.deleted_forms
        kept = [f.instance for f in formset.forms if f not in deleted and (f.instance.pk or f.has_changed())]
        services.article_children_save_in_order(article=form.instance, model=formset.model, children=kept)

    @admin.action(description=_("Publier les articles sélectionnés"), permissions=["publish"])
    def publish(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_publish(article=article)
                self.log_change(request, article, _("Publié (action sur la liste des articles)."))
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d article publié.", "%d articles publiés.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Dépublier les articles sélectionnés"), permissions=["publish"])
    def unpublish(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_unpublish(article=article)
                self.log_change(request, article, _("Dépublié (action sur la liste des articles)."))
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d article dépublié.", "%d articles dépubliés.", count) % count,
            messages.SUCCESS,
        )


class CompanyAliasInline(admin.TabularInline):
    model = CompanyAlias
    formset = LabelledInlineFormSet
    extra = 1


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    inlines = [CompanyAliasInline]
    list_display = ["name", "slug", "alias_list", "article_count"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "website"]
    # No bulk delete: a deletion goes through the page that lists the articles and offers a merge.
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("aliases")
            .annotate(article_count=Count("tagged_articles", distinct=True))
            .order_by("name")
        )

    @admin.display(description=_("alias"))
    def alias_list(self, company):
        return format_html_join(", ", "{}", ((alias.name,) for alias in company.aliases.all()))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, company):
        return company.article_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the aliases inline: only a new name or new aliases make its articles' search
        # documents stale; a description or website edit leaves them as they are.
        names_changed = "name" in form.changed_data or any(formset.has_changed() for formset in formsets)
        services.company_record_slug(
            company=form.instance,
            previous_slug=form.initial.get("slug") if change else None,
            names_changed=names_changed,
        )

    # --- Deleting and merging: nothing lost ----------------------------------------------------
    # A company's deletion strips it from every article that carries it. The delete page lists
    # those articles by title and offers merging into another company instead (the articles,
    # aliases and old address then move over). Bulk deletion is not offered: each deletion
    # goes through that page.

    merge_batch_limit = 100

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_merge_permission(self, request, obj=None):
        # Merging deletes the sources and changes the target.
        return self.has_delete_permission(request, obj) and self.has_change_permission(request, obj)

    def get_urls(self):
        merge = path(
            "fusionner/",
            self.admin_site.admin_view(self.merge_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_merge",
        )
        return [merge, *super().get_urls()]

    @admin.action(description=_("Fusionner les entreprises sélectionnées dans une autre…"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[: self.merge_batch_limit])
        return redirect(f"{reverse('admin:articles_company_merge')}?{urlencode({'ids': ids})}")

    def get_deleted_objects(self, objs, request):
        """Django's list of what goes with the company, naming the articles that lose it.

        Same as the admin's own, except that each TaggedCompany row reads "Article « Titre »
        perd cette entreprise" with a link, rather than an opaque "12 – Microsoft", and that
        the company's monthly counts (``CompanyMonth``, up to 240 rows) are not listed.
        """
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        month_label = f"{capfirst(CompanyMonth._meta.verbose_name)}: "
        tallies = str(CompanyMonth._meta.verbose_name_plural)
        model_count = {name: count for name, count in model_count.items() if str(name) != tallies}
        tagged_label = f"{capfirst(TaggedCompany._meta.verbose_name)}: "
        titles = {
            f"{tagged_label}{row}": row
            for row in TaggedCompany.objects.filter(tag__in=list(objs)).select_related("content_object", "tag")
        }

        def readable(items):
            result = []
            for item in items:
                if isinstance(item, list):
                    result.append(readable(item))
                elif isinstance(item, str) and item.startswith(month_label):
                    continue
                elif item in titles:
                    row = titles[item]
                    result.append(
                        format_html(
                            '{} <a href="{}">« {} »</a> {}',
                            _("Article"),
                            reverse("admin:articles_article_change", args=[row.content_object_id]),
                            row.content_object.title,
                            _("perd cette entreprise"),
                        )
                    )
                else:
                    result.append(item)
            return result

        return readable(deleted), model_count, perms_needed, protected

    def delete_model(self, request, obj):
        services.companies_delete(companies=[obj])

    def delete_queryset(self, request, queryset):
        services.companies_delete(companies=list(queryset))

    def delete_view(self, request, object_id, extra_context=None):
        company = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if company is not None:
            carried_by = Article.objects.filter(tagged_companies__tag=company).order_by("-published_at", "-id")
            extra_context.update(
                carried_by=carried_by[:200],
                carried_count=carried_by.count(),
                can_merge=self.has_merge_permission(request, company),
                merge_url=f"{reverse('admin:articles_company_merge')}?{urlencode({'ids': company.pk})}",
            )
        return super().delete_view(request, object_id, extra_context)

    def merge_view(self, request):
        """Merge one or more companies into another, after a confirmation listing what moves."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        raw_ids = (request.POST.get("ids") or request.GET.get("ids") or "")[:2000]
        ids = [int(part) for part in raw_ids.split(",") if part.strip().isdigit() and len(part.strip()) < 19]
        sources = list(Company.objects.filter(pk__in=ids[: self.merge_batch_limit]).order_by("name"))
        changelist = reverse("admin:articles_company_changelist")
        if not sources:
            self.message_user(request, _("Choisissez d'abord les entreprises à fusionner."), messages.WARNING)
            return redirect(changelist)

        form = CompanyMergeForm(request.POST or None, sources=sources)
        confirming = False
        if request.method == "POST" and form.is_valid():
            target = form.cleaned_data["into"]
            if form.cleaned_data["confirmed"]:
                self._merge(request, sources=sources, into=target)
                return redirect(reverse("admin:articles_company_change", args=[target.pk]))
            confirming = True
            form = CompanyMergeForm(initial={"into": target, "confirmed": True}, sources=sources)
            form.fields["into"].widget = form.fields["into"].hidden_widget()
            form.target = target

        articles = Article.objects.filter(tagged_companies__tag__in=sources).distinct().order_by("-published_at", "-id")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Fusionner des entreprises"),
            "sources": sources,
            "ids": ",".join(str(source.pk) for source in sources),
            "form": form,
            "confirming": confirming,
            "target": getattr(form, "target", None),
            "articles": articles[:200],
            "article_count": articles.count(),
            "aliases": CompanyAlias.objects.filter(company__in=sources).order_by("name"),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/articles/company/merge.html", context)

    def _merge(self, request, *, sources, into):
        article_admin = self.admin_site.get_model_admin(Article)
        with transaction.atomic():
            for source in sources:
                articles = list(Article.objects.filter(tagged_companies__tag=source))
                name = source.name
                services.company_merge(source=source, into=into)
                message = _("Entreprise « %(source)s » fusionnée dans « %(into)s ».") % {
                    "source": name,
                    "into": into.name,
                }
                self.log_change(request, into, message)
                for article in articles:
                    article_admin.log_change(request, article, message)
        self.message_user(
            request,
            ngettext(
                "%(count)d entreprise fusionnée dans « %(into)s ».",
                "%(count)d entreprises fusionnées dans « %(into)s ».",
                len(sources),
            )
            % {"count": len(sources), "into": into.name},
            messages.SUCCESS,
        )


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]


@admin.register(CompanySlugRedirect)
class CompanySlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "company", "created_at"]
    search_fields = ["old_slug", "company__name"]
    autocomplete_fields = ["company"]
