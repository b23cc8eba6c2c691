"""A small French archive written for the search tests, and the hits expected from it.

Every text here is original. Each article exercises something: accents written differently,
straight and typographic apostrophes, plurals and verb forms, company aliases, phrases,
headings with anchors, hostile markup, a draft and a scheduled piece that must never show.
``EXPECTED`` maps queries to the exact set of slugs both databases must return.
"""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

from django.utils import timezone

from articles.models import Article, Company
from articles.search import SORT_DATE, SearchRequest, backends, rebuild_index, search
from tests.factories import make_article, make_company

# The first chunk holds a single match and each next one four times more: every search with
# more than one match goes through several chunks.
SMALL_CHUNKS = (mock.patch.object(backends, "CHUNK_MARGIN", 0), mock.patch.object(backends, "CHUNK_SLACK", 1))

COMPANIES = {
    "Microsoft": ["Redmond", "l'éditeur de Windows"],
    "OpenAI": ["le créateur de ChatGPT"],
    "Inflection AI": ["Inflection"],
    "Mistral AI": ["la pépite parisienne"],
    "Nvidia": ["Santa Clara"],
    "Orange": ["l'opérateur historique"],
}

PUBLISHED = Article.Status.PUBLISHED
DRAFT = Article.Status.DRAFT


def when(year, month, day):
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


ARTICLES = [
    {
        "slug": "openai-emancipation",
        "title": "OpenAI veut s'émanciper de son premier actionnaire",
        "standfirst": "Le laboratoire californien renégocie en coulisses ses engagements envers son partenaire.",
        "published_at": when(2025, 2, 10),
        "companies": ["OpenAI", "Microsoft"],
        "sections": [
            ("", "Le créateur de ChatGPT cherche d'autres fournisseurs de calcul pour ses futurs modèles."),
            (
                "Un accord revu",
                "Signé en 2019, l'accord d'exclusivité liait les deux groupes pour l'hébergement.\n"
                "Sa renégociation laisse au laboratoire une liberté nouvelle.",
            ),
        ],
    },
    {
        "slug": "microsoft-investissements-cloud",
        "title": "Les investissements de Microsoft dans le cloud s'accélèrent",
        "standfirst": "Le groupe promet des dizaines de milliards pour ses centres de données.",
        "published_at": when(2024, 5, 3),
        "companies": ["Microsoft"],
        "sections": [
            ("", "Investir massivement reste, selon la direction, la seule façon de suivre la demande."),
            ("Des centres partout", "De nouveaux bâtiments sortent de terre en Irlande et au Texas."),
        ],
    },
    {
        "slug": "evenement-developpeurs",
        "title": "Un évènement pour les développeurs à Paris",
        "standfirst": "Trois jours de conférences autour des modèles ouverts.",
        "published_at": when(2023, 9, 14),
        "companies": ["Mistral AI"],
        "sections": [("", "L'événement a réuni plusieurs milliers de participants venus de toute l'Europe.")],
    },
    {
        "slug": "faille-corrigee",
        "title": "Une faille corrigée en urgence",
        "standfirst": "Un correctif publié hors calendrier.",
        "published_at": when(2022, 1, 20),
        "companies": ["Microsoft"],
        "sections": [
            ("", "L’éditeur de Windows a publié mardi un correctif pour une vulnérabilité déjà exploitée."),
            ("Mettre à jour sans attendre", "Les administrateurs sont invités à redémarrer leurs serveurs."),
        ],
    },
    {
        "slug": "ia-generative-ecoles",
        "title": "L'IA générative entre dans les écoles",
        "standfirst": "Les enseignants s’interrogent sur l’usage d’IA par leurs élèves.",
        "published_at": when(2024, 11, 5),
        "companies": [],
        "sections": [("", "Des collèges testent des assistants d’écriture sous le contrôle des professeurs.")],
    },
    {
        "slug": "inflection-equipe",
        "title": "Inflection AI perd son équipe dirigeante",
        "standfirst": "Ses fondateurs rejoignent un grand groupe américain.",
        "published_at": when(2024, 3, 21),
        "companies": ["Inflection AI", "Microsoft"],
        "sections": [("", "La jeune pousse conserve ses investisseurs mais change de modèle économique.")],
    },
    {
        "slug": "orange-fibre",
        "title": "L'opérateur historique accélère sur la fibre",
        "standfirst": "Le raccordement des zones rurales devient la priorité.",
        "published_at": when(2021, 6, 30),
        "companies": ["Orange"],
        "sections": [("", "Les techniciens posent des kilomètres de câbles chaque semaine dans les campagnes.")],
    },
    {
        "slug": "nvidia-puces",
        "title": "Les puces s'arrachent",
        "standfirst": "Les géants du cloud se disputent les processeurs graphiques.",
        "published_at": when(2024, 6, 18),
        "companies": ["Nvidia", "Microsoft"],
        "sections": [
            ("", "La pénurie de processeurs graphiques retarde plusieurs projets de recherche."),
            ("Des délais records", "Les commandes passées aujourd'hui seront livrées dans six mois."),
        ],
    },
    {
        "slug": "mistral-levee",
        "title": "La jeune pousse parisienne lève des fonds",
        "standfirst": "Un tour de table mené par des fonds américains.",
        "published_at": when(2023, 12, 11),
        "companies": ["Mistral AI"],
        "sections": [("", "Cette levée valorise l'entreprise à plusieurs milliards d'euros.")],
    },
    {
        "slug": "cloud-souverain",
        "title": "Le cloud souverain cherche ses clients",
        "standfirst": "Les administrations hésitent encore.",
        "published_at": when(2022, 10, 2),
        "companies": ["Orange", "Microsoft"],
        "sections": [("", "Les offres de cloud de confiance promettent une immunité aux lois étrangères.")],
    },
    {
        "slug": "balises-hostiles",
        "title": "Balise <script>alert(1)</script> dans un titre",
        "standfirst": "",
        "published_at": when(2021, 1, 5),
        "companies": [],
        "sections": [("", "Un texte avec <b>gras</b> & esperluette, au sujet du calcul quantique.")],
    },
    {
        "slug": "etre-ou-ne-pas-etre",
        "title": "Être ou ne pas être connecté",
        "standfirst": "",
        "published_at": when(2020, 4, 1),
        "companies": [],
        "sections": [("", "Une réflexion sur la déconnexion le week-end.")],
    },
    {
        "slug": "brouillon-confidentiel",
        "title": "Projet confidentiel de Microsoft",
        "status": DRAFT,
        "published_at": None,
        "companies": ["Microsoft"],
        "sections": [("", "Un texte zinzolin jamais publié.")],
    },
]

# Unrelated pieces, so that the archive's words have realistic frequencies (a word found in
# half of a tiny archive carries no weight in bm25, which would make ranking a coin toss).
FILLER_TOPICS = [
    ("satellites", "Les constellations de satellites se multiplient en basse orbite."),
    ("robots", "Les robots d'entrepôt apprennent à trier les colis fragiles."),
    ("batteries", "Les batteries au sodium intéressent les constructeurs de scooters."),
    ("drones", "Les drones agricoles survolent les vignes pour repérer les maladies."),
    ("capteurs", "Les capteurs connectés mesurent la qualité de l'air des métros."),
    ("imprimantes", "Les imprimantes en trois dimensions fabriquent des pièces détachées."),
    ("semi-remorques", "Les semi-remorques autonomes roulent de nuit sur les autoroutes."),
    ("montres", "Les montres connectées suivent le sommeil de leurs propriétaires."),
]
FILLER = [
    {
        "slug": f"chronique-{topic}-{year}",
        "title": f"Chronique {year} : les {topic}",
        "standfirst": "",
        "published_at": when(year, 3, 3),
        "companies": [],
        "sections": [("", body)],
    }
    for topic, body in FILLER_TOPICS
    for year in (2019, 2020)
]

# Published in the future: scheduled, invisible until its time comes.
SCHEDULED = {
    "slug": "annonce-programmee",
    "title": "Annonce programmée sur la téléportation",
    "companies": ["OpenAI"],
    "sections": [("", "Un texte sur la téléportation, publié plus tard.")],
}

MICROSOFT = {
    "openai-emancipation",
    "microsoft-investissements-cloud",
    "faille-corrigee",
    "inflection-equipe",
    "nvidia-puces",
    "cloud-souverain",
}

# Query -> the exact set of published articles both databases return.
EXPECTED = {
    # Accents, in both directions.
    "evenement": {"evenement-developpeurs"},
    "ÉVÉNEMENTS": {"evenement-developpeurs"},
    "évènement": {"evenement-developpeurs"},
    # Elisions, straight and typographic apostrophes.
    "l'IA": {"ia-generative-ecoles"},
    "d’IA": {"ia-generative-ecoles"},
    "IA": {"ia-generative-ecoles"},
    # Stems: plurals and verb forms.
    "investissement": {"microsoft-investissements-cloud"},
    "investir": {"microsoft-investissements-cloud"},
    "emanciper": {"openai-emancipation"},
    "émancipation": {"openai-emancipation"},
    # Companies by name or alias, even when the text says neither.
    "Microsoft": MICROSOFT,
    "Redmond": MICROSOFT,
    "l'éditeur de Windows": MICROSOFT,
    "Orange": {"orange-fibre", "cloud-souverain"},
    "opérateur historique": {"orange-fibre", "cloud-souverain"},
    # Phrases, exclusion, OR.
    '"processeurs graphiques"': {"nvidia-puces"},
    '"graphiques processeurs"': set(),
    '"cloud de confiance"': {"cloud-souverain"},
    '"cloud confiance"': set(),
    "microsoft -nvidia": MICROSOFT - {"nvidia-puces"},
    'microsoft -"processeurs graphiques"': MICROSOFT - {"nvidia-puces"},
    "fibre OR quantique": {"orange-fibre", "balises-hostiles"},
    "fibre OR quantique raccordement": {"orange-fibre"},
    # Stop words never swallow a query made only of them; they are skipped otherwise.
    "de la fibre": {"orange-fibre"},
    '"être ou ne pas être"': {"etre-ou-ne-pas-etre"},
    # Drafts and scheduled articles never appear.
    "confidentiel": set(),
    "zinzolin": set(),
    "téléportation": set(),
    # Hostile input is just text.
    "<script>": {"balises-hostiles"},
    "esperluette & gras": {"balises-hostiles"},
}


def load_corpus() -> dict[str, Article]:
    """Create the companies and articles, index them, and return the articles by slug."""
    companies = {name: make_company(name, aliases=aliases) for name, aliases in COMPANIES.items()}
    articles = {}
    for spec in ARTICLES + FILLER:
        spec = dict(spec)
        slug = spec.pop("slug")
        articles[slug] = make_article(
            spec.pop("title"),
            slug=slug,
            status=spec.pop("status", PUBLISHED),
            published_at=spec.pop("published_at"),
            sections=spec.pop("sections"),
            companies=[companies[name] for name in spec.pop("companies")],
            standfirst=spec.pop("standfirst", ""),
        )
    spec = dict(SCHEDULED)
    articles[spec["slug"]] = make_article(
        spec["title"],
        slug=spec["slug"],
        published_at=timezone.now() + timedelta(days=10),
        sections=spec["sections"],
        companies=[companies[name] for name in spec["companies"]],
    )
    rebuild_index()
    return articles


def corpus_requests() -> list[SearchRequest]:
    """Every corpus query by relevance, by date, about Microsoft, since 2000, over three years
    in the middle of the corpus, and its second page: the requests on which two ways of
    searching must agree."""
    microsoft = Company.objects.get(name="Microsoft")
    variants = [
        {},
        {"sort": SORT_DATE},
        {"companies": [microsoft]},
        {"date_from": date(2000, 1, 1), "date_to": date.today(), "sort": SORT_DATE},
        {"date_from": date(2021, 1, 1), "date_to": date(2023, 12, 31)},
        {"page": 2},
    ]
    return [SearchRequest(text=query, **options) for query in EXPECTED for options in variants]


def outcome(request: SearchRequest) -> tuple:
    """What a reader sees of a search: the count, the page's articles and the facets."""
    results = search(request)
    facets = [(f.value, f.count) for f in results.company_facets + results.year_facets]
    return results.total, results.total_is_capped, [hit.article.slug for hit in results.hits], facets
