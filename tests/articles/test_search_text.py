"""The French normaliser and the query parser, without a database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.search import text
from articles.search.query import parse


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("évènement", "even"),
        ("événements", "even"),
        ("EVENEMENT", "even"),
        ("investissements", "invest"),
        ("investir", "invest"),
        ("émancipée", "emancip"),
        ("émanciper", "emancip"),
        ("Œuvres", "oeuvr"),
    ],
)
def test_accents_case_and_stems_normalise_alike(written, expected):
    """Accents, case, plurals and verb forms reduce to one token, whichever way they are written."""
    assert text.terms(written) == [expected]


@pytest.mark.parametrize("written", ["l'IA", "l’IA", "L’ia", "d'IA", "d’IA"])
def test_elided_particles_are_dropped_with_either_apostrophe(written):
    """ "l'IA" and "d’IA" (straight or typographic apostrophe) are the word "ia" alone."""
    assert text.terms(written) == ["ia"]


@pytest.mark.parametrize("apostrophe", list(text.APOSTROPHES + text.LETTER_APOSTROPHES))
def test_every_apostrophe_company_detection_reads_elides_in_search(apostrophe):
    """Any apostrophe detection understands ("d‛OpenAI", "dʻOpenAI") also elides in search."""
    from articles.detection import normalise

    assert normalise(f"d{apostrophe}OpenAI") == "d'openai"
    assert text.terms(f"d{apostrophe}OpenAI") == ["openai"]


def test_offsets_point_into_the_original_text():
    """Tokens remember where their word sits, so snippets highlight the original characters."""
    source = "L’éditeur de Windows"
    assert [source[t.start : t.end] for t in text.tokenize(source)] == ["éditeur", "de", "Windows"]


def test_every_token_is_ascii_alphanumeric():
    """Whatever the script, tokens are [a-z0-9]+, so FTS5 and PostgreSQL see the same ones."""
    for token in text.terms("Ünïcödé 数据 مرحبا Ωmega 😀 x_y"):
        assert token.isascii() and token.isalnum() and token == token.lower()


def test_unquoted_stop_words_are_skipped_but_never_swallow_a_query():
    """Stop words go when other words remain, and stay when the query has nothing else."""
    assert parse("de la fibre").positive_tokens() == ["fibr"]
    assert parse("le la").positive_tokens() == ["le", "la"]


def test_quoted_phrase_keeps_its_stop_words_in_order():
    """A quoted phrase keeps every word, in order, as one item."""
    assert parse('"être ou ne pas être"').to_tsquery() == "('etre' <-> 'ou' <-> 'ne' <-> 'pas' <-> 'etre')"


def test_or_binds_tighter_than_the_implicit_and():
    """ "a OR b c" means (a or b) and c, on both backends."""
    parsed = parse("fibre OR quantique raccordement")
    assert parsed.to_tsquery() == "( 'fibr' | 'quantiqu' ) & 'raccord'"
    assert parsed.to_fts5() == '("fibr" OR "quantiqu") AND ("raccord")'


def test_exclusions_render_as_not():
    """ "-word" and -"phrase" exclude on both backends."""
    parsed = parse('microsoft -nvidia -"puces graphiques"')
    assert parsed.to_tsquery() == "'microsoft' & !'nvidi' & !('puc' <-> 'graphiqu')"
    assert parsed.to_fts5() == '(("microsoft")) NOT ("nvidi" OR "puc graphiqu")'


def test_without_positions_phrases_only_require_their_words_and_excluded_phrases_go():
    """The position-free tsquery keeps every exact match: phrase words joined by "&", excluded
    phrases dropped, excluded words kept."""
    parsed = parse('"puces graphiques" OR nvidia -amd -"cartes mères"')
    assert parsed.has_phrase
    assert parsed.to_tsquery(positions=False) == "( ('puc' & 'graphiqu') | 'nvidi' ) & !'amd'"
    assert not parse("puces graphiques -amd").has_phrase
    assert parse('microsoft -"cartes mères"').has_phrase


def test_only_exclusions_is_flagged():
    """A query with exclusions only is not run (it would match the whole archive)."""
    assert parse("-microsoft").only_exclusions


@pytest.mark.parametrize("raw", ["", '"', "«", "()", "!&|:*()<>", "\x00", "OR", "- -", "😀", "'''", "\\"])
def test_operator_characters_never_reach_the_query_languages(raw):
    """Readers' operator characters are dropped: rendered queries hold only quoted tokens."""
    parsed = parse(raw)
    if not parsed.is_empty:
        rendered = parsed.to_tsquery() + parsed.to_fts5()
        assert not set(rendered) & set(":*\\\x00")
    assert parse(raw * 100).groups is not None


def test_company_names_ending_in_ai_are_not_cut():
    """ "OpenAI" is not stemmed to "open", so it does not match every "open source"."""
    assert text.terms("OpenAI open") == ["openai", "open"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("lLdDqQuU'’ʼ_- aéÉœſK\u0130x1\n"), max_size=40) | st.text(max_size=80))
def test_indexer_fast_path_gives_the_same_tokens_as_tokenize(source):
    """The fast paths (indexing, snippets) and tokenize (queries) agree on every text, terms and offsets."""
    assert [text.normalise(w)[0] for w in text.index_words(source) if text.normalise(w)[0]] == text.terms(source)
    assert text.index_terms(source) == text.terms(source)
    spans = [(token.start, token.end) for token in text.tokenize(source)]
    assert text.token_spans(source) == spans
    assert text.token_spans(source, 2, 5) == spans[2:5]


# Words whose stem rewrites its ending ("-ence" → "-ent", "-aux" → "-al", "-euse" → "-eux",
# "-amment" → "-ant"), accented or capitalised forms, and ordinary ones.
TRICKY_WORDS = (
    "différence chevaux heureuse couramment évidemment généralement intelligence naïveté Noël façon reçu "
    "élèves ambiguë aiguë crûment ÉVÉNEMENTS Électricité régulièrement Sécurité opérationnelle "
    "hôpitaux châteaux fraîcheur créatrices dernière premières Microsoft OpenAI Copilot"
)


@pytest.mark.parametrize("passage", ["Le bénéﬁce net progresse", "L’inﬂation recule", "Ｍicrosoft publie"])
def test_snippet_highlights_words_written_with_ligatures_or_fullwidth_letters(passage):
    """A passage with characters beyond the prefilter's classes is read word by word: its match is marked."""
    from types import SimpleNamespace

    from articles.search.snippets import best_snippet

    article = SimpleNamespace(
        standfirst=passage, get_absolute_url=lambda: "/a/", sections=SimpleNamespace(all=lambda: [])
    )
    query = {"bénéﬁce": "bénéfice", "inﬂation": "inflation", "Ｍicrosoft": "microsoft"}
    word = next(key for key in query if key in passage)
    assert "<mark>" in best_snippet(article, parse(query[word])).html


@pytest.mark.parametrize("source", ["demo", "tricky"])
def test_snippet_prefilter_finds_every_word_that_normalises_to_its_token(source):
    """Each word, searched by its own token, passes the snippet prefilter (which would skip it otherwise)."""
    from articles import demo_data
    from articles.search.snippets import _prefilter

    if source == "demo":
        body = " ".join(
            " ".join([a["title"], a.get("standfirst", "")] + [s["heading"] + " " + s["body"] for s in a["sections"]])
            for a in demo_data.ARTICLES
        )
    else:
        body = TRICKY_WORDS
    checked = 0
    for word in set(text.WORD_RE.findall(body)):
        term = text.normalise(word)[0]
        pattern = _prefilter((term,)) if term else None
        if pattern is not None:
            checked += 1
            assert pattern.search(word), (word, term)
    assert checked > 20


@pytest.mark.parametrize("before", [0, 3, 40, 400])
def test_skipping_text_before_the_first_possible_match_changes_no_snippet(before):
    """Whether the text before the first possible match is read or skipped, the snippet is the same."""
    from types import SimpleNamespace
    from unittest import mock

    from articles.search import snippets

    filler = " ".join(f"mot{i} de remplissage" for i in range(before))
    body = f"{filler} Le tamanoir mange des fourmis ; le tamanoir dort. " + "Suite du texte. " * 30
    article = SimpleNamespace(
        standfirst="", get_absolute_url=lambda: "/a/", sections=SimpleNamespace(all=lambda: [body_section(body)])
    )
    skipped = snippets.best_snippet(article, parse("tamanoirs"))
    with mock.patch.object(snippets, "CONTEXT_CHARS", 10**9):
        read_whole = snippets.best_snippet(article, parse("tamanoirs"))
    assert "<mark>tamanoir</mark>" in skipped.html
    assert skipped.html == read_whole.html


PASSAGE_WORDS = st.sampled_from(
    [
        "tamanoir",
        "tamanoirs",
        "Tamanoïr",
        "mange",
        "fourmis",
        "lorsqu'il",
        "l'éléphant",
        "d’abord",
        "dort",
        "le",
        "la",
        "tamanoir-géant",
        "éléphants",
        "Éléphant",
        "abord",
        "mangeait",
        "ﬁn",
        "—",
        ",",
        "l'",
        "qu'",
        "e\u0301le\u0301phant",
        "l’e\u0301le\u0301phant",
        "Ｔamanoir",
        "«tamanoir»",
        "tamanoir…",
        "Tiếng",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(PASSAGE_WORDS, max_size=80).map(" ".join), min_size=1, max_size=4),
    st.sampled_from(["tamanoir", "éléphant fourmis", '"mange des fourmis"', "abord OR dort", "lorsque"]),
)
def test_reading_only_the_text_around_possible_matches_changes_no_snippet(passages, query):
    """Skipping passages, and the text before the first and after the last possible match,
    gives the snippet that reading every passage word by word gives."""
    from types import SimpleNamespace
    from unittest import mock

    from articles.search import snippets

    article = SimpleNamespace(
        standfirst=passages[0],
        get_absolute_url=lambda: "/a/",
        sections=SimpleNamespace(all=lambda: [body_section(body) for body in passages[1:]]),
    )
    parsed = parse(query)
    fast = snippets.best_snippet(article, parsed)
    with mock.patch.object(snippets, "_prefilter", lambda tokens: None):
        word_by_word = snippets.best_snippet(article, parsed)
    assert (fast.html, fast.url) == (word_by_word.html, word_by_word.url)


@pytest.mark.parametrize(
    ("body", "query"),
    [
        ("mange " * 40 + "lorsqu'il dort", "lorsque"),  # the prefilter matches, no word does
        ("mange " * 10 + "— " * 100 + "tamanoir dort", "tamanoir"),  # few words before the hit
        ("mange " * 10 + "x" * 200 + " tamanoir dort", "tamanoir"),
    ],
)
def test_a_cut_that_leaves_too_little_before_the_hit_is_undone(body, query):
    """A passage without hits, or with fewer words before its first hit than the window shows
    once cut, gives the snippet of the whole passage."""
    from types import SimpleNamespace
    from unittest import mock

    from articles.search import snippets

    article = SimpleNamespace(standfirst=body, get_absolute_url=lambda: "/a/", sections=SimpleNamespace(all=list))
    fast = snippets.best_snippet(article, parse(query))
    with mock.patch.object(snippets, "_prefilter", lambda tokens: None):
        assert fast.html == snippets.best_snippet(article, parse(query)).html


def body_section(body):
    from types import SimpleNamespace

    return SimpleNamespace(body=body, anchor="", heading="")
