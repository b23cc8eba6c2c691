"""Content of the demo archive loaded by ``python manage.py load_demo``: plain Python data.

``COMPANIES`` lists the companies (the tag pool) with their aliases; ``ARTICLES`` lists the
articles with their sections, the companies they are tagged with and their "Pour aller plus
loin" links. All text is original, written for the demo in French; it deliberately mixes
straight (') and typographic (’) apostrophes, elisions, plurals and verb forms, and some
articles name a company only through an alias, so that search can be demonstrated on it.

Shapes:

- company: ``name``, ``slug``, ``description``, ``website``, ``aliases`` (unique across all
  companies, ignoring case).
- article: ``slug`` (fixed, ASCII), ``title``, ``standfirst``, ``byline``, ``status``
  ("published" or "draft"), ``published_at`` (timezone-aware, or None for the draft),
  ``companies`` (company slugs), ``sections`` and ``related``.
- section: ``heading`` ("" for the opening section) and ``body`` (one paragraph per line).
- related link: ``{"article": slug}`` (internal, optional ``title``), ``{"title", "url"}``
  (external) or ``{"title"}`` alone (unfinished: no target yet, never shown to readers).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def _paris(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A publication datetime, wall-clock time in Paris."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


COMPANIES = [
    {
        "name": "Microsoft",
        "slug": "microsoft",
        "description": (
            "Éditeur de Windows et d'Office, Microsoft est aussi l'un des premiers fournisseurs de cloud "
            "au monde avec Azure. Basé à Redmond, dans l'État de Washington, le groupe est le principal "
            "partenaire financier d'OpenAI."
        ),
        "website": "https://www.microsoft.com",
        "aliases": ["Redmond", "le groupe de Redmond", "l'éditeur de Windows", "le géant du logiciel"],
    },
    {
        "name": "OpenAI",
        "slug": "openai",
        "description": (
            "Laboratoire d'intelligence artificielle fondé en 2015 à San Francisco, OpenAI a popularisé "
            "l'IA générative avec ChatGPT. Sa structure, mi-fondation mi-entreprise, a longtemps fait débat."
        ),
        "website": "https://openai.com",
        "aliases": [
            "le concepteur de ChatGPT",
            "le créateur de ChatGPT",
            "la start-up de Sam Altman",
            "le laboratoire de San Francisco",
        ],
    },
    {
        "name": "Apple",
        "slug": "apple",
        "description": (
            "Fabricant de l'iPhone, du Mac et de l'Apple Watch, installé à Cupertino, en Californie. "
            "La marque défend une IA exécutée autant que possible sur l'appareil, au nom de la confidentialité."
        ),
        "website": "https://www.apple.com",
        "aliases": ["Cupertino", "la firme à la pomme", "la marque à la pomme", "le fabricant de l'iPhone"],
    },
    {
        "name": "Google",
        "slug": "google",
        "description": (
            "Filiale d'Alphabet installée à Mountain View, Google domine la recherche en ligne. "
            "Ses modèles Gemini sont développés par Google DeepMind."
        ),
        "website": "https://www.google.com",
        "aliases": ["Mountain View", "le moteur de recherche", "le géant de Mountain View", "la filiale d'Alphabet"],
    },
    {
        "name": "Inflection AI",
        "slug": "inflection-ai",
        "description": (
            "Start-up californienne cofondée en 2022 par Mustafa Suleyman et Reid Hoffman, connue pour son "
            "assistant conversationnel Pi. Elle s'est tournée vers les entreprises après le départ de ses "
            "fondateurs chez Microsoft."
        ),
        "website": "https://inflection.ai",
        "aliases": ["le créateur de Pi", "la start-up de Mustafa Suleyman", "l'éditeur de l'assistant Pi"],
    },
    {
        "name": "Mistral AI",
        "slug": "mistral-ai",
        "description": (
            "Start-up parisienne fondée en 2023 par d'anciens chercheurs de Google DeepMind et de Meta. "
            "Elle publie des modèles de langage, dont plusieurs en accès ouvert, et l'assistant Le Chat."
        ),
        "website": "https://mistral.ai",
        "aliases": [
            "la pépite française",
            "la start-up d'Arthur Mensch",
            "le champion français de l'IA",
            "la licorne parisienne",
        ],
    },
    {
        "name": "Nvidia",
        "slug": "nvidia",
        "description": (
            "Concepteur de processeurs graphiques basé à Santa Clara, en Californie. Ses puces et son "
            "environnement logiciel CUDA sont devenus l'infrastructure de référence pour entraîner les modèles d'IA."
        ),
        "website": "https://www.nvidia.com",
        "aliases": ["Santa Clara", "le groupe de Jensen Huang", "le roi des puces graphiques", "le fabricant de GPU"],
    },
    {
        "name": "Meta",
        "slug": "meta",
        "description": (
            "Maison mère de Facebook, d'Instagram et de WhatsApp, installée à Menlo Park. "
            "Meta publie la famille de modèles Llama et investit massivement dans l'IA."
        ),
        "website": "https://www.meta.com",
        "aliases": ["Menlo Park", "la maison mère de Facebook", "le groupe de Mark Zuckerberg", "l'ex-Facebook"],
    },
]


ARTICLES = [
    {
        "slug": "openai-lance-chatgpt",
        "title": "OpenAI ouvre ChatGPT au public, et le succès dépasse ses prévisions",
        "standfirst": (
            "Mis en ligne sans campagne de promotion, l'agent conversationnel d'OpenAI a séduit plus d'un "
            "million d'utilisateurs en moins d'une semaine. Ses erreurs, elles aussi, font parler."
        ),
        "byline": "Claire Dubois",
        "status": "published",
        "published_at": _paris(2022, 12, 6, 10, 30),
        "companies": ["openai"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "La start-up de Sam Altman a mis en ligne un agent conversationnel accessible gratuitement "
                    "depuis un simple navigateur. Baptisé ChatGPT, il répond en langage naturel, rédige des "
                    "courriels, résume des textes et corrige du code. En moins d'une semaine, plus d'un million "
                    "de personnes s'y sont inscrites, selon son dirigeant.\n"
                    "Le service repose sur un modèle de la famille GPT-3.5, affiné grâce aux retours "
                    "d'évaluateurs humains. OpenAI prévient toutefois que ses réponses peuvent être fausses tout "
                    "en paraissant convaincantes."
                ),
            },
            {
                "heading": "Des réponses sûres d'elles",
                "body": (
                    "Les premiers utilisateurs ont vite relevé des erreurs factuelles, des références inventées "
                    "et des calculs approximatifs. Le modèle s'exprime avec la même assurance, qu'il ait raison "
                    "ou tort.\n"
                    "Les enseignants s'inquiètent déjà de devoirs rédigés par la machine. Plusieurs "
                    "établissements réfléchissent à de nouvelles règles d'évaluation."
                ),
            },
            {
                "heading": "Un coût d'exploitation élevé",
                "body": (
                    "Chaque conversation mobilise des serveurs équipés de processeurs graphiques coûteux. "
                    "Le dirigeant d'OpenAI a reconnu que la gratuité ne durerait pas éternellement.\n"
                    "Une formule payante est à l'étude, tout comme une interface de programmation destinée "
                    "aux entreprises."
                ),
            },
        ],
        "related": [
            {"title": "Les annonces d'OpenAI", "url": "https://openai.com/news/"},
        ],
    },
    {
        "slug": "microsoft-investissements-openai",
        "title": "Microsoft multiplie ses investissements dans OpenAI",
        "standfirst": (
            "Le groupe de Redmond engage plusieurs milliards de dollars supplémentaires auprès du concepteur "
            "de ChatGPT, dont il devient le fournisseur exclusif de cloud."
        ),
        "byline": "Julien Marchand",
        "status": "published",
        "published_at": _paris(2023, 1, 24, 8, 15),
        "companies": ["microsoft", "openai"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Microsoft a confirmé un nouvel accord pluriannuel avec OpenAI, le troisième depuis 2019. "
                    "Le montant n'a pas été détaillé officiellement, mais la presse américaine évoque une "
                    "dizaine de milliards de dollars. En échange, l'éditeur de Windows obtiendrait une part "
                    "importante des bénéfices futurs de la start-up."
                ),
            },
            {
                "heading": "Azure au cœur de l'accord",
                "body": (
                    "Tous les calculs d'OpenAI, de l'entraînement des modèles à leur exploitation, passeront "
                    "par Azure. Redmond s'engage à construire des supercalculateurs dédiés, équipés de milliers "
                    "de puces graphiques.\n"
                    "Pour Microsoft, investir dans OpenAI revient aussi à remplir ses propres centres de "
                    "données. Une partie de l'argent versé lui reviendra sous forme de dépenses de cloud."
                ),
            },
            {
                "heading": "Des produits dopés à l'IA",
                "body": (
                    "Le groupe compte intégrer les modèles d’OpenAI dans l’ensemble de sa gamme, de la suite "
                    "Office au moteur de recherche Bing. Satya Nadella veut faire de chaque logiciel maison un "
                    "assistant capable de rédiger et de résumer.\n"
                    "Les concurrents observent ces investissements avec attention. Aucun autre acteur du cloud "
                    "ne dispose d'un partenariat aussi étroit avec un laboratoire d'IA de pointe."
                ),
            },
        ],
        "related": [
            {"article": "openai-lance-chatgpt"},
            {"title": "Le blog officiel de Microsoft", "url": "https://blogs.microsoft.com/"},
        ],
    },
    {
        # Names Google, OpenAI and Microsoft only through their aliases.
        "slug": "google-bard-riposte",
        "title": "Le moteur de recherche riposte à ChatGPT avec Bard",
        "standfirst": (
            "Pressé par le succès du concepteur de ChatGPT, le géant de Mountain View dévoile son propre agent "
            "conversationnel. La démonstration, elle, tourne mal."
        ),
        "byline": "Sophie Lemaire",
        "status": "published",
        "published_at": _paris(2023, 2, 9, 18, 40),
        "companies": ["google", "openai", "microsoft"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Mountain View a présenté cette semaine Bard, un assistant conversationnel fondé sur son "
                    "modèle de langage LaMDA. Il sera d'abord ouvert à un cercle restreint de testeurs, avant un "
                    "lancement plus large dans les prochaines semaines.\n"
                    "La filiale d'Alphabet promet des réponses nourries par les informations les plus récentes "
                    "du web. C'est précisément ce qui manque à son concurrent, dont les connaissances s'arrêtent "
                    "à une date fixe."
                ),
            },
            {
                "heading": "Une démonstration ratée",
                "body": (
                    "Une erreur factuelle s'est glissée dans l'exemple choisi pour la présentation, à propos du "
                    "télescope spatial James-Webb. Les investisseurs l'ont relevée, et l'action d'Alphabet a "
                    "reculé de près de 8 % mercredi.\n"
                    "L'épisode illustre le dilemme du groupe : aller vite sans entamer la confiance accordée à "
                    "ses résultats de recherche."
                ),
            },
            {
                "heading": "La recherche en ligne menacée ?",
                "body": (
                    "Le moteur de recherche tire l'essentiel de ses revenus des liens publicitaires. Un "
                    "assistant qui répond directement aux questions pourrait réduire le nombre de clics sur ces "
                    "annonces.\n"
                    "En face, l’éditeur de Windows a déjà présenté une version de Bing enrichie par l’IA. La "
                    "bataille des moteurs, que l'on croyait figée, est relancée."
                ),
            },
        ],
        "related": [
            {"article": "openai-lance-chatgpt"},
            {"article": "microsoft-investissements-openai"},
            {"title": "Le blog de Google", "url": "https://blog.google/"},
        ],
    },
    {
        "slug": "mistral-ai-leve-105-millions",
        "title": "Mistral AI lève 105 millions d'euros, un record pour une start-up de quatre semaines",
        "standfirst": (
            "Fondée à Paris par trois chercheurs passés par Google DeepMind et Meta, la jeune pousse boucle un "
            "tour d'amorçage hors norme, sans produit ni modèle publié."
        ),
        "byline": "Antoine Girard",
        "status": "published",
        "published_at": _paris(2023, 6, 14, 9, 0),
        "companies": ["mistral-ai"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Mistral AI a annoncé avoir levé 105 millions d'euros, quelques semaines seulement après sa "
                    "création. Le tour de table est mené par le fonds américain Lightspeed Venture Partners, aux "
                    "côtés d'investisseurs français. La start-up n'a encore publié aucun modèle."
                ),
            },
            {
                "heading": "Trois fondateurs, un pari",
                "body": (
                    "Arthur Mensch, Guillaume Lample et Timothée Lacroix ont travaillé sur les grands modèles de "
                    "langage chez Google DeepMind et chez Meta. Ils veulent bâtir en Europe des modèles "
                    "performants et en partie ouverts.\n"
                    "Leur premier modèle est attendu avant la fin de l'année. Les fondateurs promettent d'en "
                    "publier les poids, que chacun pourra télécharger et adapter."
                ),
            },
            {
                "heading": "Nouvelles ressources",
                "body": (
                    "L'argent servira d'abord à louer de la puissance de calcul, une ressource rare et coûteuse. "
                    "La start-up prévoit aussi de recruter une vingtaine de chercheurs d'ici à la fin de "
                    "l'année.\n"
                    "À Paris, l'annonce est saluée comme un signal. La pépite française entend prouver qu'un "
                    "laboratoire européen peut rivaliser avec les géants américains."
                ),
            },
        ],
        "related": [
            {"article": "openai-lance-chatgpt", "title": "Le lancement qui a tout déclenché"},
            {"title": "Les actualités de Mistral AI", "url": "https://mistral.ai/news/"},
        ],
    },
    {
        "slug": "meta-llama-2-modele-ouvert",
        "title": "Meta ouvre Llama 2 et s'allie à Microsoft",
        "standfirst": (
            "Le groupe de Mark Zuckerberg met son nouveau modèle de langage gratuitement à disposition des "
            "chercheurs et des entreprises, et choisit Azure comme partenaire privilégié."
        ),
        "byline": "Nadia Benali",
        "status": "published",
        "published_at": _paris(2023, 7, 19, 7, 45),
        "companies": ["meta", "microsoft"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Meta a présenté Llama 2, la deuxième génération de sa famille de modèles de langage. "
                    "Contrairement à son prédécesseur, réservé aux chercheurs, il peut être utilisé à des fins "
                    "commerciales. Trois tailles sont proposées, de 7 à 70 milliards de paramètres."
                ),
            },
            {
                "heading": "Ouvert, mais pas tout à fait",
                "body": (
                    "La licence impose des conditions particulières aux services qui comptent plus de 700 "
                    "millions d'utilisateurs mensuels. Les défenseurs du logiciel libre rappellent qu'un modèle "
                    "dont on publie les poids, sans les données d'entraînement, n'est pas vraiment open source.\n"
                    "La maison mère de Facebook assume ce compromis. Elle estime qu'une large communauté de "
                    "développeurs améliorera ses modèles plus vite que ses seules équipes."
                ),
            },
            {
                "heading": "Un partenaire inattendu",
                "body": (
                    "Microsoft distribuera Llama 2 sur Azure, alors même qu'il a investi des milliards dans "
                    "OpenAI. Le groupe de Redmond veut proposer à ses clients tous les modèles qui comptent, "
                    "ouverts comme fermés."
                ),
            },
        ],
        "related": [
            {"article": "microsoft-investissements-openai"},
            {"title": "Le blog IA de Meta", "url": "https://ai.meta.com/blog/"},
        ],
    },
    {
        # Names OpenAI and Microsoft only through their aliases.
        "slug": "openai-crise-gouvernance",
        "title": "Cinq jours de crise chez le concepteur de ChatGPT",
        "standfirst": (
            "Limogé par son conseil d'administration, Sam Altman retrouve son poste après une fronde des "
            "salariés et l'intervention du groupe de Redmond."
        ),
        "byline": "Claire Dubois",
        "status": "published",
        "published_at": _paris(2023, 11, 22, 11, 20),
        "companies": ["openai", "microsoft"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Le conseil d'administration de la start-up de Sam Altman avait créé la surprise vendredi en "
                    "remerciant son dirigeant, à qui il reprochait un manque de franchise. Cinq jours plus tard, "
                    "celui-ci reprend ses fonctions, et la plupart des administrateurs qui l'avaient écarté "
                    "quittent le conseil."
                ),
            },
            {
                "heading": "La fronde des salariés",
                "body": (
                    "Plus de sept cents salariés, sur environ sept cent soixante-dix, ont signé une lettre "
                    "menaçant de démissionner si leur dirigeant n'était pas rétabli. Plusieurs responsables de "
                    "la recherche figuraient parmi les signataires.\n"
                    "Le laboratoire de San Francisco a frôlé l'implosion. Sans ses équipes, ses modèles "
                    "n'avaient plus d'avenir."
                ),
            },
            {
                "heading": "Redmond en embuscade",
                "body": (
                    "Pendant le week-end, l’éditeur de Windows avait annoncé l’arrivée de Sam Altman à la tête "
                    "d’une nouvelle équipe de recherche. Le groupe de Redmond se disait prêt à accueillir tous "
                    "les salariés qui le suivraient.\n"
                    "Premier actionnaire du concepteur de ChatGPT, il obtient un siège d'observateur au nouveau "
                    "conseil. La crise a montré à quel point ses investissements reposaient sur quelques "
                    "personnes."
                ),
            },
        ],
        "related": [
            {"article": "microsoft-investissements-openai"},
            {"article": "openai-lance-chatgpt", "title": "Relire : le lancement de ChatGPT"},
        ],
    },
    {
        "slug": "mistral-ai-serie-a-385-millions",
        "title": "Mistral AI boucle une levée de 385 millions d'euros",
        "standfirst": (
            "Six mois après son amorçage, la start-up parisienne est valorisée environ deux milliards d'euros "
            "et ouvre un accès payant à ses modèles."
        ),
        "byline": "Antoine Girard",
        "status": "published",
        "published_at": _paris(2023, 12, 11, 14, 0),
        "companies": ["mistral-ai", "nvidia"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Mistral AI a finalisé un deuxième tour de table de 385 millions d'euros, mené par le fonds "
                    "Andreessen Horowitz. Nvidia et Salesforce figurent parmi les investisseurs. La valorisation "
                    "de la jeune pousse dépasserait les deux milliards d'euros."
                ),
            },
            {
                "heading": "Des modèles ouverts… et payants",
                "body": (
                    "La start-up a publié en septembre Mistral 7B, un modèle compact diffusé sous licence "
                    "Apache 2.0. Elle vient d'y ajouter Mixtral, qui combine plusieurs sous-modèles spécialisés "
                    "pour répondre plus vite.\n"
                    "Parallèlement, une plateforme payante donne accès à ses modèles les plus puissants. Le "
                    "modèle économique se précise : l'ouverture attire les développeurs, les entreprises paient "
                    "pour le service."
                ),
            },
            {
                "heading": "Le soutien des fabricants de puces",
                "body": (
                    "La présence du groupe de Jensen Huang au capital n'est pas anodine. Les fabricants de "
                    "processeurs graphiques investissent dans leurs propres clients, qui leur achètent ensuite "
                    "de la puissance de calcul.\n"
                    "Pour la pépite française, ce soutien facilite l'accès à des ressources très demandées."
                ),
            },
        ],
        "related": [
            {"article": "mistral-ai-leve-105-millions", "title": "Juin 2023 : le tour d'amorçage record"},
            {"title": "Les actualités de Mistral AI", "url": "https://mistral.ai/news/"},
        ],
    },
    {
        "slug": "microsoft-partenariat-mistral-ai",
        "title": "Microsoft s'invite au capital de Mistral AI",
        "standfirst": (
            "L’éditeur de Windows investit 15 millions d'euros dans la start-up parisienne, dont les modèles "
            "rejoignent Azure. À Bruxelles, l'accord intrigue."
        ),
        "byline": "Julien Marchand",
        "status": "published",
        "published_at": _paris(2024, 2, 27, 9, 30),
        "companies": ["microsoft", "mistral-ai"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Microsoft a annoncé un partenariat pluriannuel avec Mistral AI, assorti d'une prise de "
                    "participation minoritaire de 15 millions d'euros. Le nouveau modèle de la start-up, "
                    "Mistral Large, est proposé aux clients d'Azure.\n"
                    "C'est le deuxième laboratoire de modèles que Redmond accueille dans son cloud avec un "
                    "partenariat de cette ampleur, après OpenAI."
                ),
            },
            {
                "heading": "Ne pas dépendre d'un seul partenaire",
                "body": (
                    "Le groupe de Redmond diversifie ses paris. Depuis la crise de gouvernance du concepteur de "
                    "ChatGPT, ses dirigeants répètent qu'ils ne veulent pas dépendre d'un seul fournisseur de "
                    "modèles.\n"
                    "Pour Mistral AI, l'accord ouvre les portes des grandes entreprises clientes d'Azure, dans "
                    "le monde entier."
                ),
            },
            {
                "heading": "Bruxelles attentive",
                "body": (
                    "La Commission européenne a indiqué qu'elle examinerait l'accord. Plusieurs eurodéputés "
                    "s'étonnent de voir la pépite française, qui plaidait pour une régulation souple des "
                    "modèles, s'allier à un géant américain.\n"
                    "Les fondateurs répondent que leur indépendance reste entière. Leurs modèles ouverts "
                    "restent disponibles partout, pas seulement sur Azure."
                ),
            },
        ],
        "related": [
            {"article": "mistral-ai-serie-a-385-millions"},
            {"article": "openai-crise-gouvernance"},
            {"title": "Le blog officiel de Microsoft", "url": "https://blogs.microsoft.com/"},
        ],
    },
    {
        "slug": "microsoft-recrute-equipe-inflection-ai",
        "title": "Microsoft recrute l'équipe d'Inflection AI",
        "standfirst": (
            "Mustafa Suleyman, cofondateur de DeepMind, prend la tête d'une nouvelle division consacrée à l'IA "
            "grand public chez le groupe de Redmond. Il emmène avec lui la plupart des salariés d'Inflection AI."
        ),
        "byline": "Sophie Lemaire",
        "status": "published",
        "published_at": _paris(2024, 3, 20, 8, 0),
        "companies": ["microsoft", "inflection-ai", "openai"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Microsoft a annoncé la création de Microsoft AI, une division chargée de Copilot, de Bing "
                    "et du navigateur Edge. Elle sera dirigée par Mustafa Suleyman, jusqu'ici patron "
                    "d'Inflection AI, accompagné de son cofondateur Karén Simonyan. Une grande partie de "
                    "l'équipe de la start-up les suit."
                ),
            },
            {
                "heading": "Que reste-t-il d'Inflection AI ?",
                "body": (
                    "Le créateur de Pi ne disparaît pas. Il conserve son assistant conversationnel mais "
                    "réoriente son activité vers la vente de modèles aux entreprises, sous la direction d'un "
                    "nouveau patron.\n"
                    "Selon la presse américaine, Microsoft verse environ 650 millions de dollars à Inflection "
                    "AI, notamment pour une licence sur ses modèles. Ce montant doit permettre de dédommager les "
                    "investisseurs de la start-up."
                ),
            },
            {
                "heading": "Copilot impacté ?",
                "body": (
                    "Les équipes d'Inflection AI ont conçu Pi pour être chaleureux et attentif. Mustafa "
                    "Suleyman veut apporter ce savoir-faire à Copilot, jugé encore trop utilitaire.\n"
                    "Les utilisateurs ne verront pas de changement immédiat. La feuille de route de "
                    "l'assistant sera revue dans les prochains mois."
                ),
            },
            {
                "heading": "Un rival chez Microsoft ?",
                "body": (
                    "La création de cette division interroge sur les relations avec OpenAI. Le groupe de "
                    "Redmond se dote de ses propres chercheurs, capables à terme de développer des modèles "
                    "maison.\n"
                    "Officiellement, le partenariat avec la start-up de Sam Altman n'est pas remis en cause. "
                    "Mais pour la première fois, l'éditeur de Windows dispose d'une équipe qui pourrait s'en "
                    "passer."
                ),
            },
        ],
        "related": [
            {"article": "microsoft-partenariat-mistral-ai"},
            {"article": "openai-crise-gouvernance"},
            {"title": "Le site d'Inflection AI", "url": "https://inflection.ai/"},
        ],
    },
    {
        "slug": "apple-intelligence-chatgpt",
        "title": "Apple intègre ChatGPT à Siri, sans renoncer à ses propres modèles",
        "standfirst": (
            "Lors de sa conférence annuelle, Cupertino présente Apple Intelligence et confie à OpenAI les "
            "questions que ses propres modèles ne savent pas traiter."
        ),
        "byline": "Léa Fontaine",
        "status": "published",
        "published_at": _paris(2024, 6, 11, 7, 30),
        "companies": ["apple", "openai"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Apple a dévoilé Apple Intelligence, un ensemble de fonctions d’IA générative intégré à "
                    "l’iPhone, à l’iPad et au Mac. Résumés de notifications, réécriture de textes, création "
                    "d'images : la plupart des traitements sont effectués directement sur l'appareil."
                ),
            },
            {
                "heading": "Siri fait appel à ChatGPT",
                "body": (
                    "Lorsqu'une demande dépasse ses capacités, Siri proposera de la transmettre à ChatGPT, "
                    "après accord explicite de l'utilisateur. Le service sera gratuit et ne nécessitera pas de "
                    "compte.\n"
                    "Le fabricant de l'iPhone précise que d'autres modèles pourraient suivre. Le partenariat "
                    "avec le concepteur de ChatGPT n'est donc pas exclusif."
                ),
            },
            {
                "heading": "La confidentialité en argument",
                "body": (
                    "Pour les requêtes trop lourdes pour le téléphone, la firme à la pomme utilisera ses propres "
                    "serveurs, équipés de puces maison. Elle affirme que les données ne seront ni conservées ni "
                    "accessibles à ses équipes.\n"
                    "Cette promesse distingue la marque de ses concurrents, dont les assistants reposent "
                    "largement sur le cloud."
                ),
            },
        ],
        "related": [
            {"article": "openai-lance-chatgpt"},
            {"title": "La salle de presse d'Apple", "url": "https://www.apple.com/newsroom/"},
        ],
    },
    {
        # Names Nvidia only through its aliases.
        "slug": "nvidia-premiere-capitalisation-mondiale",
        "title": "Le groupe de Jensen Huang devient la première capitalisation mondiale",
        "standfirst": (
            "Porté par la demande en processeurs pour l'intelligence artificielle, le concepteur de puces de "
            "Santa Clara dépasse Microsoft et Apple en Bourse."
        ),
        "byline": "Thomas Perrin",
        "status": "published",
        "published_at": _paris(2024, 6, 19, 17, 10),
        "companies": ["nvidia", "microsoft", "apple"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Le groupe de Jensen Huang a dépassé mardi les 3 300 milliards de dollars de capitalisation "
                    "boursière, devançant Microsoft et Apple. Son cours a environ triplé en un an. Peu "
                    "d'entreprises ont connu une ascension aussi rapide."
                ),
            },
            {
                "heading": "Des puces introuvables",
                "body": (
                    "Les géants du cloud s'arrachent les processeurs graphiques H100, indispensables pour "
                    "entraîner les grands modèles. Les délais de livraison se comptent en mois, et les prix "
                    "restent élevés.\n"
                    "Santa Clara profite aussi de CUDA, son environnement logiciel, que les chercheurs utilisent "
                    "depuis plus de quinze ans. Changer de fournisseur coûterait cher à ses clients."
                ),
            },
            {
                "heading": "Une bulle ?",
                "body": (
                    "Certains analystes rappellent que les investissements des grands groupes dans les centres "
                    "de données devront un jour être rentabilisés. Si les usages de l'IA tardent à rapporter, "
                    "les commandes pourraient ralentir.\n"
                    "Le roi des puces graphiques répond par un rythme soutenu. Sa nouvelle architecture, "
                    "Blackwell, doit être livrée d'ici à la fin de l'année."
                ),
            },
        ],
        "related": [
            {
                "article": "mistral-ai-serie-a-385-millions",
                "title": "Quand le fabricant de GPU investit dans ses clients",
            },
            {"title": "La salle de presse de Nvidia", "url": "https://nvidianews.nvidia.com/"},
        ],
    },
    {
        "slug": "google-gemini-2-agents",
        "title": "Google présente Gemini 2.0 et mise sur les agents",
        "standfirst": (
            "Un an après la première version, le géant de Mountain View dévoile un modèle conçu pour agir au "
            "nom de l'utilisateur, et pas seulement pour lui répondre."
        ),
        "byline": "Sophie Lemaire",
        "status": "published",
        "published_at": _paris(2024, 12, 12, 10, 0),
        "companies": ["google"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Google a lancé Gemini 2.0, la nouvelle génération de ses modèles d'IA. Une première "
                    "version, baptisée Flash, est disponible immédiatement pour les développeurs et dans "
                    "l'assistant Gemini. Le groupe la présente comme plus rapide que la précédente version haut "
                    "de gamme, et plus capable."
                ),
            },
            {
                "heading": "L'ère des agents",
                "body": (
                    "Le moteur de recherche veut des modèles capables d'enchaîner des actions : naviguer sur un "
                    "site, remplir un formulaire, préparer un itinéraire. Plusieurs prototypes sont confiés à "
                    "des testeurs, dont un assistant qui pilote le navigateur Chrome.\n"
                    "Ces agents posent de nouvelles questions de sécurité. Google assure que l'utilisateur "
                    "devra confirmer les actions sensibles, comme un paiement."
                ),
            },
            {
                "heading": "Rattraper son retard",
                "body": (
                    "Deux ans après le lancement de ChatGPT, la filiale d'Alphabet a largement comblé l'écart "
                    "technique. Il lui reste à convaincre le grand public, qui associe encore l'IA générative "
                    "au concepteur de ChatGPT."
                ),
            },
        ],
        "related": [
            {"article": "google-bard-riposte", "title": "Février 2023 : les débuts difficiles de Bard"},
            {"title": "Le blog de Google DeepMind", "url": "https://deepmind.google/"},
        ],
    },
    {
        "slug": "openai-emancipation-microsoft",
        "title": "OpenAI veut s'émanciper de Microsoft",
        "standfirst": (
            "Le concepteur de ChatGPT annonce des centres de données géants avec de nouveaux partenaires. "
            "Microsoft perd l'exclusivité du cloud mais garde un droit de préemption."
        ),
        "byline": "Claire Dubois",
        "status": "published",
        "published_at": _paris(2025, 1, 22, 12, 0),
        "companies": ["openai", "microsoft"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "OpenAI a présenté Stargate, une coentreprise qui doit investir jusqu'à 500 milliards de "
                    "dollars dans des centres de données aux États-Unis. SoftBank et Oracle en sont les "
                    "principaux partenaires financiers.\n"
                    "La start-up de Sam Altman cherche ainsi à s'émanciper de son premier actionnaire, dont elle "
                    "dépendait jusqu'ici pour chaque calcul."
                ),
            },
            {
                "heading": "La fin d'une exclusivité",
                "body": (
                    "Jusqu'ici, l'ensemble des calculs d’OpenAI passait par Azure. Le nouvel accord autorise la "
                    "start-up à s'adresser à d'autres fournisseurs lorsque Microsoft ne peut pas répondre à ses "
                    "besoins.\n"
                    "Redmond conserve un droit de premier refus sur les nouvelles capacités. Il garde aussi "
                    "l'accès aux modèles d'OpenAI pour ses propres produits."
                ),
            },
            {
                "heading": "Copilot impacté ?",
                "body": (
                    "Pour les clients de Microsoft, rien ne change à court terme : Copilot continue de "
                    "s'appuyer sur les modèles GPT. Le groupe de Redmond travaille toutefois à ses propres "
                    "modèles, sous la houlette de Mustafa Suleyman.\n"
                    "L'éditeur de Windows teste aussi des modèles d'autres laboratoires dans ses produits. En "
                    "se diversifiant, il réduit sa dépendance, comme OpenAI réduit la sienne."
                ),
            },
            {
                "heading": "Nouvelles ressources",
                "body": (
                    "La start-up affirme manquer de puissance de calcul pour servir ses centaines de millions "
                    "d'utilisateurs hebdomadaires. Les premiers centres de données du projet sont en "
                    "construction au Texas.\n"
                    "Reste à financer ces investissements colossaux. Les montants annoncés dépassent de loin "
                    "les revenus actuels d'OpenAI, qui reste déficitaire."
                ),
            },
        ],
        "related": [
            {"article": "microsoft-investissements-openai"},
            {"article": "microsoft-recrute-equipe-inflection-ai"},
            # The demo's one unfinished link: an editor has not found the target yet.
            {"title": "Le texte du nouvel accord entre OpenAI et Microsoft"},
        ],
    },
    {
        "slug": "mistral-ai-leve-1-7-milliard",
        "title": "Mistral AI lève 1,7 milliard d'euros, ASML en tête",
        "standfirst": (
            "Le néerlandais ASML, fournisseur clé de l'industrie des semi-conducteurs, devient l'un des "
            "principaux actionnaires de la pépite française, valorisée près de 12 milliards d'euros."
        ),
        "byline": "Antoine Girard",
        "status": "published",
        "published_at": _paris(2025, 9, 9, 9, 0),
        "companies": ["mistral-ai", "nvidia"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Mistral AI a annoncé une levée de fonds de 1,7 milliard d'euros, la plus importante de son "
                    "histoire. Le fabricant néerlandais de machines de lithographie ASML apporte à lui seul 1,3 "
                    "milliard d'euros. Plusieurs investisseurs historiques, dont Nvidia, remettent au pot."
                ),
            },
            {
                "heading": "Une alliance européenne",
                "body": (
                    "L'opération associe deux champions européens situés à des maillons très différents de la "
                    "chaîne. ASML compte utiliser les modèles de la start-up pour accélérer la conception et "
                    "l'exploitation de ses machines.\n"
                    "Pour la licorne parisienne, l'arrivée d'un industriel de ce calibre rassure sur sa capacité "
                    "à rester indépendante."
                ),
            },
            {
                "heading": "Nouvelles ressources",
                "body": (
                    "Les fonds serviront à financer la recherche et à construire une capacité de calcul en "
                    "propre, en France. La start-up veut réduire sa dépendance aux grands fournisseurs "
                    "américains de cloud.\n"
                    "Elle compte aussi étoffer ses équipes commerciales, alors que ses contrats avec des "
                    "administrations et des industriels se multiplient."
                ),
            },
        ],
        "related": [
            {"article": "mistral-ai-leve-105-millions"},
            {"article": "mistral-ai-serie-a-385-millions"},
            {"article": "microsoft-partenariat-mistral-ai"},
        ],
    },
    {
        "slug": "openai-nouvelle-structure-microsoft",
        "title": "OpenAI change de structure, Microsoft conserve environ 27 % du capital",
        "standfirst": (
            "Après des mois de négociations, le concepteur de ChatGPT devient une société d'intérêt public "
            "contrôlée par sa fondation. Redmond voit sa participation valorisée à plus de 130 milliards de "
            "dollars."
        ),
        "byline": "Julien Marchand",
        "status": "published",
        "published_at": _paris(2025, 10, 29, 8, 30),
        "companies": ["openai", "microsoft"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "OpenAI a achevé sa transformation : sa branche commerciale devient une société à but "
                    "lucratif d'intérêt public, toujours contrôlée par la fondation d'origine. Celle-ci détient "
                    "une participation importante dans la nouvelle entité, et Microsoft environ 27 %."
                ),
            },
            {
                "heading": "Ce que Microsoft obtient",
                "body": (
                    "Le groupe de Redmond conserve ses droits sur les modèles et les produits d'OpenAI jusqu'en "
                    "2032. En contrepartie, il renonce à son droit de préemption sur les besoins en calcul de la "
                    "start-up.\n"
                    "OpenAI s'est par ailleurs engagée à acheter pour 250 milliards de dollars de services Azure "
                    "supplémentaires."
                ),
            },
            {
                "heading": "L'émancipation achevée ?",
                "body": (
                    "Cet accord clôt une séquence ouverte début 2025, quand OpenAI avait commencé à s'émanciper "
                    "de son partenaire historique. Les deux groupes restent liés, mais chacun peut désormais "
                    "suivre sa propre route.\n"
                    "La nouvelle structure doit aussi faciliter les prochaines levées de fonds. Une introduction "
                    "en Bourse est évoquée, sans que les dirigeants la confirment."
                ),
            },
        ],
        "related": [
            {"article": "openai-emancipation-microsoft"},
            {"article": "openai-crise-gouvernance"},
            {"title": "Les annonces d'OpenAI", "url": "https://openai.com/news/"},
        ],
    },
    {
        "slug": "bataille-des-modeles-ouverts",
        "title": "Modèles ouverts : Meta, Mistral AI et Google se disputent les développeurs",
        "standfirst": (
            "Deux ans et demi après Llama 2, les modèles dont les poids sont publiés se sont multipliés. Analyse d'un "
            "marché où la gratuité sert d'abord à conquérir les développeurs."
        ),
        "byline": "Nadia Benali",
        "status": "published",
        "published_at": _paris(2026, 2, 16, 10, 15),
        "companies": ["meta", "mistral-ai", "google"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Il y a trois ans, publier les poids d'un grand modèle de langage passait pour une "
                    "imprudence. Aujourd'hui, la plupart des laboratoires proposent au moins une version ouverte "
                    "de leurs modèles. Les développeurs n'ont jamais eu autant de choix."
                ),
            },
            {
                "heading": "Trois stratégies",
                "body": (
                    "La maison mère de Facebook a ouvert la voie avec Llama, en misant sur la taille de sa "
                    "communauté. La pépite française a fait de l’ouverture un argument de souveraineté, "
                    "notamment auprès des administrations européennes.\n"
                    "Mountain View, longtemps réticent, publie désormais sa famille Gemma, plus légère que ses "
                    "modèles commerciaux. Chacun ouvre ce qui ne menace pas son cœur de métier."
                ),
            },
            {
                "heading": "Ouvert ne veut pas dire gratuit",
                "body": (
                    "Héberger un modèle ouvert a un coût, et les entreprises préfèrent souvent payer pour un "
                    "service clés en main. Les laboratoires se rémunèrent donc sur l'hébergement, "
                    "l'accompagnement et les versions les plus puissantes, qui restent fermées.\n"
                    "Les licences varient aussi d'un modèle à l'autre. Avant d'intégrer l’un d’eux dans un "
                    "produit, les juristes ont leur mot à dire."
                ),
            },
        ],
        "related": [
            {"article": "meta-llama-2-modele-ouvert"},
            {"article": "mistral-ai-serie-a-385-millions"},
            {"title": "La documentation de Gemma", "url": "https://ai.google.dev/gemma"},
        ],
    },
    {
        # The demo's draft: never public, no publication date.
        "slug": "meta-laboratoire-superintelligence",
        "title": "Meta regroupe ses équipes d'IA dans un laboratoire de « superintelligence »",
        "standfirst": (
            "Le groupe de Mark Zuckerberg confie ses recherches les plus ambitieuses à une nouvelle entité et "
            "recrute à prix d'or chez ses concurrents."
        ),
        "byline": "Nadia Benali",
        "status": "draft",
        "published_at": None,
        "companies": ["meta"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Meta réunit ses équipes de recherche et de produits d'IA au sein d'une nouvelle entité, "
                    "Meta Superintelligence Labs. Elle sera dirigée par Alexandr Wang, fondateur de Scale AI, "
                    "une société dans laquelle Meta vient d'investir plus de 14 milliards de dollars."
                ),
            },
            {
                "heading": "Des recrutements à prix d'or",
                "body": (
                    "Pour constituer ses équipes, l'ex-Facebook multiplie les offres aux chercheurs des "
                    "laboratoires concurrents. Certaines rémunérations proposées se chiffreraient en dizaines de "
                    "millions de dollars.\n"
                    "[À compléter : réactions des laboratoires concernés.]"
                ),
            },
        ],
        "related": [
            {"article": "meta-llama-2-modele-ouvert"},
        ],
    },
    {
        # The demo's scheduled article: published, but its date is in the future.
        "slug": "puces-ia-enjeux-2028",
        "title": "Puces pour l'IA : les enjeux de 2028",
        "standfirst": (
            "Le roi des puces graphiques aborde la nouvelle année en position de force, mais sa domination "
            "n'a jamais été aussi contestée."
        ),
        "byline": "Thomas Perrin",
        "status": "published",
        "published_at": _paris(2031, 12, 13, 8, 0),
        "companies": ["nvidia", "google"],
        "sections": [
            {
                "heading": "",
                "body": (
                    "Le groupe de Jensen Huang reste le fournisseur incontournable des laboratoires d'IA. Mais "
                    "les géants du cloud conçoivent leurs propres puces, et les laboratoires cherchent à "
                    "diversifier leurs fournisseurs."
                ),
            },
            {
                "heading": "Les puces maison montent en puissance",
                "body": (
                    "Google utilise depuis des années ses TPU pour entraîner ses modèles et les propose aux "
                    "clients de son cloud. D'autres groupes suivent la même voie, avec des puces spécialisées "
                    "dans l'exécution des modèles.\n"
                    "Pour Nvidia, chaque puce maison est une commande en moins. Le fabricant mise sur la "
                    "performance de ses systèmes complets, du processeur au réseau."
                ),
            },
            {
                "heading": "L'énergie, nouvelle limite",
                "body": (
                    "La construction de centres de données se heurte désormais à la disponibilité de "
                    "l'électricité. Les projets se négocient autant avec les producteurs d'énergie qu'avec les "
                    "fabricants de puces.\n"
                    "L'efficacité énergétique des processeurs devient ainsi un argument commercial de premier "
                    "plan."
                ),
            },
        ],
        "related": [
            {"article": "nvidia-premiere-capitalisation-mondiale"},
            {"title": "La salle de presse de Nvidia", "url": "https://nvidianews.nvidia.com/"},
        ],
    },
]
