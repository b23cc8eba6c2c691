"""The search parameters, validated: anything a reader (or a robot) can put in the URL."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Company
from . import MAX_PAGE, MAX_RESULTS, SORT_DATE, SORT_RELEVANCE, SearchRequest

MAX_QUERY_LENGTH = 500
MAX_COMPANIES = 10
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
MIN_YEAR, MAX_YEAR = 1900, 2999


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher dans l'archive"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Votre recherche est trop longue : %(limit_value)d caractères au plus.")
            % {"limit_value": MAX_QUERY_LENGTH},
            "null_characters_not_allowed": _("Votre recherche contient un caractère invalide."),
        },
    )
    du = forms.DateField(
        label=_("Du"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Date de début invalide : utilisez le format AAAA-MM-JJ.")},
    )
    au = forms.DateField(
        label=_("Au"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Date de fin invalide : utilisez le format AAAA-MM-JJ.")},
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[(SORT_RELEVANCE, _("pertinence")), (SORT_DATE, _("date"))],
        error_messages={"invalid_choice": _("Tri inconnu : choisissez « pertinence » ou « date ».")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("Numéro de page invalide."),
            "min_value": _("Numéro de page invalide."),
            "max_value": _("La recherche affiche au plus %(max)d résultats : précisez-la pour aller plus loin.")
            % {"max": MAX_RESULTS},
        },
    )

    # Every query parameter the form reads: its fields and the companies (read as a list).
    PARAMETERS = ("q", "entreprise", "du", "au", "tri", "page")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Several ``entreprise`` values are allowed: read them as a list, checked in clean().
        self.company_slugs = data.getlist("entreprise") if data is not None and hasattr(data, "getlist") else []
        self.companies: list[Company] = []

    def clean_du(self):
        return self._check_year(self.cleaned_data.get("du"), _("Date de début hors de l'archive."))

    def clean_au(self):
        return self._check_year(self.cleaned_data.get("au"), _("Date de fin hors de l'archive."))

    @staticmethod
    def _check_year(value, message):
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(message)
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and start > end:
            self.add_error("au", _("La date de fin précède la date de début."))
        slugs = list(dict.fromkeys(s for s in self.company_slugs if s != ""))
        if len(slugs) > MAX_COMPANIES:
            self.add_error(None, _("Choisissez au plus %(n)d entreprises.") % {"n": MAX_COMPANIES})
        elif any(not SLUG_RE.match(slug) for slug in slugs):
            self.add_error(None, _("Entreprise inconnue."))
        elif slugs:
            found = {company.slug: company for company in Company.objects.filter(slug__in=slugs)}
            if len(found) != len(slugs):
                self.add_error(None, _("Entreprise inconnue."))
            self.companies = [found[slug] for slug in slugs if slug in found]
        return cleaned

    def search_request(self) -> SearchRequest:
        data = self.cleaned_data
        return SearchRequest(
            text=data.get("q") or "",
            companies=self.companies,
            date_from=data.get("du"),
            date_to=data.get("au"),
            sort=data.get("tri") or SORT_RELEVANCE,
            page=data.get("page") or 1,
        )

    def error_list(self) -> list[str]:
        """Every error as one French sentence, for the page and the JSON."""
        return [str(message) for errors in self.errors.values() for message in errors]
