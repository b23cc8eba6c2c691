"""Forms of the editors' admin."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import concurrency
from .models import Article, ArticleSlugRedirect, Company


class CompanyAutocomplete(AutocompleteSelectMultiple):
    """The admin's select2 autocomplete of existing companies, which also accepts new names.

    select2 runs in "tags" mode: a name that matches nothing is submitted as typed, and
    ``CompanyChoiceField`` creates the company when the article is saved.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        # Our own script initialises this select (see company_autocomplete.js), not the admin's.
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "company-autocomplete")
        # select2's "clear all" cross lands inside the list of chosen companies as a non-list item
        # (an accessibility error); each company keeps its own remove cross.
        attrs["data-allow-clear"] = "false"
        return attrs

    @property
    def media(self):
        # Listing its predecessors pins the order: our script needs django.jQuery and select2.
        extra = "" if settings.DEBUG else ".min"
        return super().media + forms.Media(
            js=[
                f"admin/js/vendor/select2/select2.full{extra}.js",
                "admin/js/jquery.init.js",
                "admin/js/company_autocomplete.js",
            ]
        )

    def optgroups(self, name, value, attr=None):
        # Existing companies arrive as primary keys, new ones as names: render both selected.
        known = [v for v in value if str(v).isdigit()]
        typed = [v for v in value if v and not str(v).isdigit()]
        groups = super().optgroups(name, known, attr)
        options = groups[0][1]
        for label in typed:
            options.append(self.create_option(name, label, label, True, len(options)))
        return groups


class CompanyChoiceField(forms.ModelMultipleChoiceField):
    """Companies picked by primary key, or typed by name (matched ignoring case, then aliases).

    Cleans to a list of ``Company`` objects and new names (strings), the mix django-taggit's
    ``set()`` takes: new names become companies when the article is saved.
    """

    max_name_length = 100

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=Company.objects.all(), **kwargs)

    def prepare_value(self, value):
        if value is None:
            return []
        if isinstance(value, str | int | Company):
            value = [value]
        return [str(v.pk) if isinstance(v, Company) else str(v) for v in value]

    def clean(self, value):
        if isinstance(value, str):
            value = [value]
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        by_pk = Company.objects.in_bulk([int(v) for v in values if v.isdigit()])
        result, seen = [], set()
        for raw in values:
            if "\x00" in raw:
                raise ValidationError(_("Nom d'entreprise invalide."), code="invalid")
            company = by_pk.get(int(raw)) if raw.isdigit() else None
            if company is None:
                if len(raw) > self.max_name_length:
                    raise ValidationError(
                        _("Un nom d'entreprise ne dépasse pas %(max)d caractères."),
                        code="max_length",
                        params={"max": self.max_name_length},
                    )
                company = Company.objects.filter(Q(name__iexact=raw) | Q(aliases__name__iexact=raw)).distinct().first()
            key = company.pk if company else raw.lower()
            if key in seen:
                continue
            seen.add(key)
            result.append(company or raw)
        return result

    def has_changed(self, initial, data):
        return sorted(self.prepare_value(initial)) != sorted(str(v) for v in (data or []))


class PublicationDateTimeWidget(AdminSplitDateTime):
    """The admin's date and time inputs, each with its own accessible name.

    The field's one <label> names neither input (a MultiWidget has no single input to point
    at), so screen readers would announce two anonymous text boxes.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        date, time = self.widgets
        date.attrs["aria-label"] = _("Date de publication : jour")
        time.attrs["aria-label"] = _("Date de publication : heure")


class LabelledInlineFormSet(BaseInlineFormSet):
    """The rows of a tabular inline, each input named for screen readers.

    A TabularInline shows the field names once, as column headers, and no <label> per input:
    every visible input (the "Supprimer" box too) gets its field's label as ``aria-label``.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            # The admin wraps foreign keys (add/change buttons): the inner widget renders the input.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden and field.label:
                widget.attrs.setdefault("aria-label", str(field.label))


class ArticleAdminForm(forms.ModelForm):
    """The article form; it remembers what the editor loaded, so a concurrent save is refused.

    ``loaded_version`` and ``loaded_state`` (a signed snapshot, see ``articles.concurrency``)
    are filled when the form is shown and posted back unchanged; ``clean()`` compares them with
    the locked row.
    """

    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    loaded_state = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = ["title", "slug", "standfirst", "byline", "status", "published_at", "companies"]
        widgets = {"published_at": PublicationDateTimeWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.version
            self.initial["loaded_state"] = concurrency.sign_snapshot(concurrency.article_snapshot(self.instance))

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        # An old address of another article must keep leading there: never reuse it.
        taken = ArticleSlugRedirect.objects.filter(old_slug=slug)
        if self.instance.pk:
            taken = taken.exclude(article=self.instance)
        if taken.exists():
            raise ValidationError(
                _("Cette adresse a appartenu à un autre article et redirige vers lui : choisissez-en une autre.")
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.check_not_changed_meanwhile()
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing without a date means "now"; the admin fills it rather than refusing.
            cleaned["published_at"] = timezone.now()
            self.instance.published_at = cleaned["published_at"]
        return cleaned

    def check_not_changed_meanwhile(self):
        """Refuse the save if someone else saved this article since this form was loaded.

        The row stays locked until the admin's transaction ends, so the check and the write
        that follows cannot be separated by another save.
        """
        current = concurrency.locked_version(self.instance.pk)
        loaded = self.cleaned_data.get("loaded_version")
        if current is None:
            raise ValidationError(_("Cet article a été supprimé entre-temps : il ne peut plus être enregistré."))
        if loaded is not None and loaded == current == self.instance.version:
            return
        raise ValidationError(
            concurrency.conflict_messages(
                article=self.instance,
                loaded_version=loaded,
                current_version=current,
                loaded_state=self.cleaned_data.get("loaded_state", ""),
            ),
            code="conflict",
        )


class CompanyMergeForm(forms.Form):
    """Pick the company that absorbs the ones being merged (see ``services.company_merge``)."""

    into = forms.ModelChoiceField(
        queryset=Company.objects.none(),
        label=_("Fusionner dans"),
        help_text=_(
            "L'entreprise qui reste, ex. « Microsoft » pour « Microsoft Corp. » : elle reprend les "
            "articles, les alias et l'ancienne adresse des entreprises fusionnées."
        ),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Company.objects.exclude(pk__in=[source.pk for source in sources]).order_by(
            "name"
        )
