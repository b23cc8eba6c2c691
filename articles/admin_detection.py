"""The article form's "companies mentioned but not tagged" panel, and its one-click add.

A mixin for ``ArticleAdmin``: the change form lists the companies the saved article mentions
(``articles.detection``) without being tagged with them, each with a small POST form that
tags the article at once. The add view is an admin view (login, staff, CSRF) that also checks
the editor may change this article; it only accepts POST and redirects back to the form.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import detection, services
from .models import Company


class AddCompanyForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.all())


class DetectedCompaniesAdminMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/ajouter-entreprise/",
                self.admin_site.admin_view(self.add_detected_company_view),
                name="{}_{}_add_company".format(*info),
            )
        ]
        # Before the default URLs: their "<object_id>/" catch-all would swallow this one.
        return urls + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            context["untagged_mentions"] = detection.untagged_mentions(obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def add_detected_company_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("Cet article n'existe pas ou plus."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk])
        form = AddCompanyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cette entreprise n'existe pas ou plus : rien n'a été ajouté."))
            return HttpResponseRedirect(change_url)
        company = form.cleaned_data["company"]
        if services.article_tag_companies(article=article, companies=[company]):
            self.log_change(
                request,
                article,
                _("Entreprise « %(name)s » ajoutée (mentionnée dans le texte).") % {"name": company.name},
            )
            messages.success(request, _("« %(name)s » ajoutée aux entreprises de l'article.") % {"name": company.name})
        else:
            messages.info(request, _("L'article était déjà étiqueté « %(name)s ».") % {"name": company.name})
        return HttpResponseRedirect(change_url)
