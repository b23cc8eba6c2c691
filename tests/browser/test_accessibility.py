"""axe-core (the copy axe-playwright-python ships) on the public and admin pages.

Public pages: no serious or critical violation, at phone and desktop sizes, light and dark, and
no sideways scrolling.
Admin pages: no serious or critical violation beyond ``KNOWN_ADMIN_VIOLATIONS``, the stock
Django admin and select2 defects listed there with where they would be fixed; an entry that no
longer occurs fails the test too, so the list only ever shrinks.
"""

import re

import pytest

from articles.models import Article

from .support import DESKTOP, PHONE, login

Axe = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python is not installed (pip install -r requirements-dev.txt)",
).Axe

BLOCKING = {"serious", "critical"}

# (label, path): the pages readers reach, with the demo archive loaded.
PUBLIC_PAGES = [
    ("home", "/"),
    ("article", "/articles/microsoft-recrute-equipe-inflection-ai/"),
    ("company", "/entreprises/microsoft/"),
    ("company-pair", "/entreprises/microsoft/avec/openai/"),
    ("company-list", "/entreprises/"),
    ("archives", "/archives/"),
    ("archive-year", "/archives/2024/"),
    ("archive-month", "/archives/2024/06/"),
    ("search-form", "/recherche/"),
    ("search-results", "/recherche/?q=dependance"),
    ("search-filtered", "/recherche/?q=dependance&entreprise=mistral-ai"),
    ("search-no-result", "/recherche/?q=zzyzx"),
    ("search-invalid", "/recherche/?q=ok&du=pas-une-date"),
    ("not-found", "/articles/cet-article-n-existe-pas/"),
]
# Light and dark: the site follows the reader's colour scheme, and contrast must hold in both.
# axe's own checks set inline styles, which the site's Content-Security-Policy rightly refuses
# (a console error that fails the test): these contexts bypass the CSP. The journeys keep it.
DISPLAYS = {
    "phone": {"viewport": PHONE, "bypass_csp": True},
    "desktop": {"viewport": DESKTOP, "bypass_csp": True},
    "desktop-dark": {"viewport": DESKTOP, "color_scheme": "dark", "bypass_csp": True},
}

# (axe rule, element selector pattern, why and where it would be fixed). Not in this project's
# templates: Django 5.2's admin widgets and the select2 it bundles.
KNOWN_ADMIN_VIOLATIONS = [
    (
        "label",
        r"#id_(related_links|aliases)-\d+-(position|title|url|name|DELETE)$",
        "TabularInline shows column headers, not a <label> per field (RelatedLinkInline, CompanyAliasInline "
        "in articles/admin.py: aria-label through the inline's formfield_for_dbfield, or StackedInline)",
    ),
    (
        "label-title-only",
        r"#id_(related_links|aliases)-\d+-(title|url|name)$",
        "same TabularInline fields: their only name is the help text's title attribute",
    ),
    (
        "label",
        r"#id_published_at_[01]$",
        "AdminSplitDateTime's date and time inputs have no <label> of their own (published_at's widget "
        "in articles/forms.py: aria-label on each subwidget)",
    ),
    (
        "label",
        r"\.select2-search__field$",
        "select2's search box has no accessible name (articles' admin JavaScript could set aria-label)",
    ),
    (
        "aria-input-field-name",
        r"(select2-selection--single|#select2-id_related_links-\d+-target-container)",
        "select2's single-choice combobox (RelatedLink.target autocomplete) has no accessible name",
    ),
    (
        "list",
        r"\.select2-selection--multiple > ul$",
        "select2's multiple-choice box puts a non-<li> in its <ul> (companies autocomplete)",
    ),
    (
        "link-in-text-block",
        r"\.breadcrumbs > a",
        "the admin's breadcrumb links differ from their text by colour only (an admin CSS override "
        "underlining them would fix it)",
    ),
]


def blocking_violations(page) -> list[tuple[str, str, str]]:
    """axe's serious and critical violations on ``page``: (rule, element selector, explanation)."""
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            for node in violation["nodes"]:
                target = " ".join(str(part) for part in node["target"])
                summary = " ".join(node.get("failureSummary", "").split())
                found.append((violation["id"], target, f"{violation['impact']}: {violation['help']}. {summary}"))
    return found


def known_admin_violation(rule: str, target: str) -> int | None:
    """The index of the ``KNOWN_ADMIN_VIOLATIONS`` entry matching this violation, if any."""
    for index, (known_rule, pattern, _why) in enumerate(KNOWN_ADMIN_VIOLATIONS):
        if rule == known_rule and re.search(pattern, target):
            return index
    return None


@pytest.mark.parametrize("display", list(DISPLAYS))
def test_public_pages_have_no_serious_accessibility_violation(browse, demo, shots, display):
    """Every public page, from home to search and the 404, passes axe-core and never scrolls sideways."""
    session = browse(**DISPLAYS[display])
    page = session.new_page()
    report = []
    for label, path in PUBLIC_PAGES:
        page.goto(f"{session.server_url}{path}")
        shots(page, label, full_page=True)
        report += [f"{label} ({path}): {rule} at {target} -> {why}" for rule, target, why in blocking_violations(page)]
        # Reflow (WCAG 1.4.10): nothing makes the page scroll sideways, not even at phone width.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            report.append(f"{label} ({path}): the page is {overflow}px wider than the screen")
    assert not report, "\n".join(report)


@pytest.mark.parametrize("display", ["phone", "desktop"])
def test_admin_pages_have_no_serious_accessibility_violation_beyond_known_django_ones(
    browse, demo, editor, shots, display
):
    """The admin's login, lists and forms pass axe-core but for the listed stock Django/select2 defects."""
    session = browse(**DISPLAYS[display])
    page = session.new_page()
    server = session.server_url
    article = Article.objects.get(slug="microsoft-recrute-equipe-inflection-ai")
    pages = [
        ("dashboard", "/admin/"),
        ("article-list", "/admin/articles/article/"),
        ("article-form", f"/admin/articles/article/{article.pk}/change/"),
        ("new-article-form", "/admin/articles/article/add/"),
        ("company-list", "/admin/articles/company/"),
        ("company-form", "/admin/articles/company/add/"),
    ]
    page.goto(f"{server}/admin/login/")
    found = {"login": blocking_violations(page)}
    login(page, server)
    for label, path in pages:
        page.goto(f"{server}{path}")
        shots(page, f"admin-{label}", full_page=True)
        found[label] = blocking_violations(page)

    unexpected, seen = [], set()
    for label, violations in found.items():
        for rule, target, why in violations:
            index = known_admin_violation(rule, target)
            if index is None:
                unexpected.append(f"{label}: {rule} at {target} -> {why}")
            else:
                seen.add(index)
    fixed = [f"{rule} {pattern}" for i, (rule, pattern, _) in enumerate(KNOWN_ADMIN_VIOLATIONS) if i not in seen]
    assert not unexpected, "\n".join(unexpected)
    assert not fixed, f"fixed, remove from KNOWN_ADMIN_VIOLATIONS: {fixed}"
