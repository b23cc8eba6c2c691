"""The editors' admin: articles with their sections and related reading, companies with aliases."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from . import services
from .admin_detection import DetectedCompaniesAdminMixin
from .forms import ArticleAdminForm, CompanyAutocomplete, CompanyChoiceField
from .models import Article, ArticleSlugRedirect, Company, CompanyAlias, CompanySlugRedirect, RelatedLink, Section

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
    extra = 1


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    inlines = [CompanyAliasInline]
    list_display = ["name", "slug", "alias_list", "article_count"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "website"]

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

    def save_model(self, request, obj, form, change):
        previous_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        services.company_record_slug(company=obj, previous_slug=previous_slug)


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
