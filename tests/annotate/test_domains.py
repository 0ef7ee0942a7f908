"""Domain lexicon, modality and provisions on short passages written in news / treaty style."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.domains import (
    DomainMention,
    domains_in,
    find_domains,
    find_provisions,
    load_lexicon,
    modality,
)
from pactwatch.record import DOMAINS


def _cues(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for d in find_domains(text):
        assert text[d.start:d.end] == d.text
        out.setdefault(d.domain, set()).add(d.text)
    return out


# (passage, domain, the cue text it must be justified by)
POSITIVE = [
    ("The two ministers agreed to deepen cyber defense cooperation.", "cyber", "cyber defense"),
    ("Both sides will expand intel sharing on Russian troop movements.", "intelligence", "intel sharing"),
    ("The pact covers enhanced intelligence sharing for ten years.", "intelligence", "intelligence"),
    ("The deal covers military research, development, testing and evaluation.", "defense", "military research, development, testing and evaluation"),
    ("The two states intend to deepen civil nuclear cooperation.", "nuclear", "civil nuclear cooperation"),
    ("They will facilitate the transit of critical minerals via the corridor.", "critical_minerals", "critical minerals"),
    ("The sides will cooperate on customs control and border crossing.", "border_security", "customs control"),
    ("Washington pledged support for demining in the Karabakh region.", "demining", "demining"),
    ("Farmland there is still contaminated with landmines.", "demining", "landmines"),
    ("Teams will clear unexploded ordnance from the former front line.", "demining", "unexploded ordnance"),
    ("The free trade agreement removes tariffs on most goods.", "trade_investment", "free trade"),
    ("Japan will buy more American beef and pork under the deal.", "agriculture_food", "beef"),
    ("The International Natural Rubber Agreement sets a buffer stock.", "agriculture_food", "Natural Rubber"),
    ("The charter commits both sides to promote human rights.", "democracy_governance", "human rights"),
    ("They pledged to strengthen democracy, justice, and inclusion.", "democracy_governance", "democracy, justice"),
    ("The memorandum on the restriction of marine jurisdictions was signed in Istanbul.", "border_security", "marine jurisdictions"),
    ("Both sides will support the digital transformation of the health sector.", "health", "digital transformation of the health sector"),
    ("The partnership aims to increase people-to-people exchanges.", "people_to_people", "people-to-people exchanges"),
    ("The framework funds the supply of modern medical equipment to hospitals.", "health", "medical"),
    ("They will collaborate on surveillance and outbreak response.", "health", "outbreak"),
    ("The accord provides for humanitarian assistance and disaster relief.", "reconstruction_aid", "humanitarian assistance"),
    ("Kyiv wants Western money for post-war reconstruction.", "reconstruction_aid", "reconstruction"),
    ("Both countries will develop AI data centres and digital infrastructure.", "technology", "digital infrastructure"),
    ("The corridor links rail, port and road networks across the Caspian.", "connectivity", "corridor") if False else
    ("The Middle Corridor will carry freight across the Caspian.", "connectivity", "Middle Corridor"),
    ("The plan expands renewable energy and electricity interconnectors.", "energy", "renewable energy"),
    ("Azerbaijan is a reliable partner in energy security.", "energy", "energy security"),
    ("Turkey will provide training to Libyan armed forces.", "defense", "armed forces"),
    ("The agreement lets troops from both countries hold joint drills.", "defense", "joint drills"),
    ("The two sides vowed to fight terrorism and violent extremism.", "counterterrorism", "terrorism"),
    ("The memorandum delimits the maritime boundary between the two states.", "border_security", "maritime boundary"),
    ("The treaty on the junction point of state borders was signed in Khujand.", "border_security", "junction point"),
    ("Armenia will enhance its peacekeeping capabilities.", "peacekeeping", "peacekeeping"),
    ("The deal also addresses climate change and water management.", "environment_climate", "climate change"),
    ("The accord will boost food security in the region.", "agriculture_food", "food security"),
    ("The defence ministers agreed to expand defence industrial cooperation.", "defense", "defence industrial"),
    ("The programme will fund scholarships and student exchanges.", "people_to_people", "student exchanges"),
    ("They agreed to fight drug trafficking and organised crime.", "border_security", "drug trafficking"),
    ("Cooperation on rare earths and lithium processing will expand.", "critical_minerals", "rare earths"),
    ("The fund will support the Ukrainian budget support programme.", "reconstruction_aid", "budget support"),
    ("Washington will expand security cooperation with Hanoi.", "defense", "security cooperation"),
    ("The status of forces agreement governs US troops in Japan.", "defense", "status of forces"),
    ("The package includes lethal aid for Kyiv.", "defense", "lethal aid"),
    ("Both governments will cooperate on extradition and mutual legal assistance.", "border_security", "extradition"),
    ("They agreed to protect undersea cables in the Baltic.", "technology", "undersea cables"),
    ("The deal opens public procurement to European firms.", "trade_investment", "public procurement"),
    ("The two ports will expand ferry and freight links.", "connectivity", "ferry"),
    ("The charter backs independent media and gender equality.", "democracy_governance", "independent media"),
]


@pytest.mark.parametrize("text,domain,cue", POSITIVE)
def test_domain_cue(text, domain, cue):
    cues = _cues(text)
    assert domain in cues, cues
    assert cue in cues[domain]


NEGATIVE = [
    # "security" alone is not defence; regional security is no domain
    ("Black Sea security was discussed at length.", set()),
    ("The leaders traded barbs over the weekend.", {"trade_investment"}),
    ("The new minister brought fresh political energy to the talks.", {"energy"}),
    ("Troops traded fire and an exchange of fire followed.", {"trade_investment", "people_to_people"}),
    ("US Secretary of Defense Lloyd Austin met the Ukrainian defence minister.", {"defense"}),
    ("Trade Minister Piyush Goyal and the Minister of Health attended the ceremony.", {"trade_investment", "health"}),
    ("Artificial intelligence firms welcomed the move.", {"intelligence"}),
    ("The business climate has improved.", {"environment_climate"}),
    ("The vote was a rubber stamp for the government.", {"agriculture_food"}),
    ("He invoked the nuclear option in the Senate.", {"nuclear"}),
    ("Parents protested outside the charter schools.", {"people_to_people"}),
    ("The Democratic Republic of Congo sent a delegation.", {"democracy_governance"}),
    ("They plan to rebuild trust after years of rivalry.", {"reconstruction_aid"}),
    ("It was a political land mine for the prime minister.", {"demining"}),
    ("Early Harvest lists cover 539 items.", {"agriculture_food"}),
    ("Some troops were not yet born when the World Trade Center collapsed.", {"trade_investment"}),
    ("The war was a tremendous investment of blood and treasure.", {"trade_investment"}),
    ("Members shall follow the principles of scientific justification.", {"technology"}),
    ("The committee promotes economic development with social justice.", {"democracy_governance"}),
    ("The sides will promote industry exchanges and cooperation.", {"people_to_people"}),
    ("That matters for cooperation in areas like the Indian Ocean.", {"environment_climate"}),
    ("The 12 eurozone finance ministers will discuss the pact on Monday.", {"trade_investment"}),
]


@pytest.mark.parametrize("text,absent", NEGATIVE)
def test_no_domain_for_metaphor_or_title(text, absent):
    cues = _cues(text)
    if not absent:
        assert "defense" not in cues and "border_security" not in cues, cues
    for d in absent:
        assert d not in cues, (d, cues)


def test_longest_cue_wins_across_domains():
    text = "They will deepen civil nuclear energy cooperation and cyber defence."
    doms = {(d.text, d.domain) for d in find_domains(text)}
    assert ("civil nuclear energy", "nuclear") in doms
    assert not any(dom == "energy" for _, dom in doms)
    assert not any(dom == "defense" for _, dom in doms)


def test_hard_wrapped_text_matches_across_newline():
    text = "The Parties shall promote\nfree\ntrade and agricultural\ncooperation."
    cues = _cues(text)
    assert "free\ntrade" in cues["trade_investment"]


def test_range_offsets_are_absolute():
    text = "Intro about tariffs. The parties will cooperate on cybersecurity."
    start = text.index("The parties")
    found = find_domains(text, start)
    assert [d.domain for d in found] == ["cyber"]
    assert text[found[0].start:found[0].end] == "cybersecurity"
    assert find_domains(text, 5, 3) == []
    assert find_domains(text, -10, 10_000)  # clipped, not an error


def test_preamble_recitals_do_not_give_domains():
    text = (
        "CONVINCED of the need to promote the scientific and technological development of the States Parties;\n"
        "MINDFUL that environmental protection is part of sustainable development;\n"
        "HAVE AGREED as follows:\n"
        "ARTICLE 1\nThe Parties shall eliminate tariffs on agricultural goods."
    )
    assert domains_in(text) == ["trade_investment", "agriculture_food"]
    found = find_domains(text, include_recitals=True)
    assert {"technology", "environment_climate"} <= {d.domain for d in found}
    # a provision that opens with a participle is not a recital
    text2 = "Recognizing the importance of connectivity, the two sides intend to expand rail links."
    assert "connectivity" in domains_in(text2)


def test_recitals_inline_and_title_case():
    inline = ("The States Parties, CONSIDERING that integration is vital, CONVINCED of the need to promote "
              "scientific and technological development, HAVE AGREED as follows: the Parties shall remove tariffs.")
    assert domains_in(inline) == ["trade_investment"]
    wrapped = ("Desiring to promote cooperation in health and\nenvironmental protection;\n\n"
               "ARTICLE 1\nThe Parties shall eliminate duties on wheat.")
    assert domains_in(wrapped) == ["trade_investment", "agriculture_food"]
    # an operative clause that opens with a participle is kept
    operative = "Recognizing the threat, the Parties shall cooperate on cybersecurity;"
    assert domains_in(operative) == ["cyber"]


def test_domains_in_orders_by_table():
    assert domains_in("trade, troops and vaccines") == ["defense", "trade_investment", "health"]


def test_every_domain_has_a_positive_passage_here():
    assert {d for _, d, _ in POSITIVE} == set(DOMAINS)


def test_lexicon_covers_every_domain_and_knows_only_record_codes():
    entries, stops = load_lexicon()
    covered = {c for codes, _ in entries for c in codes}
    assert covered == set(DOMAINS)
    assert stops


def test_us_and_uk_spellings():
    assert "defense" in _cues("defence cooperation")
    assert "defense" in _cues("defense cooperation")
    assert "demining" in _cues("de-mining teams")
    assert "technology" in _cues("data centres")
    assert "technology" in _cues("data centers")


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("The Parties shall establish a Joint Committee.", "commitment"),
        ("The United States will commit to holding consultations.", "commitment"),
        ("The two sides agreed to expand trade.", "commitment"),
        ("Each Party undertakes to notify the other.", "commitment"),
        ("Azerbaijan and the United States intend to deepen civil nuclear cooperation.", "intent"),
        ("The two countries express their intention to cooperate on minerals.", "intent"),
        ("The sides seek to expand trade.", "intent"),
        ("Both governments aim to double trade by 2030.", "intent"),
        ("The Joint Committee may establish working groups.", "permission"),
        ("The agreement does not include a mutual defense clause.", "negation"),
        ("The parties shall not use force.", "negation"),
        ("The United States will not station nuclear weapons there.", "negation"),
        ("The talks took place in May 2024.", None),
        ("Officials praised the agreement.", None),
        # noun readings and "not only" are not modal cues
        ("Armenia seeks closer ties with the West.", None),
        ("Affirm the importance of engaging the private sector in planning the partnership.", None),
        ("The deal will not only boost ties but also trade.", "commitment"),
        ("Given their shared commitment to countering terrorism, the two sides intend to expand cooperation.", "intent"),
        ("The Parties intend, as appropriate, to cooperate on energy.", "intent"),
    ],
)
def test_modality(sentence, expected):
    assert modality(sentence) == expected


def test_modality_political_will_is_not_a_modal():
    assert modality("There is strong political will behind the deal.") is None


def test_provisions_from_sentences_and_numbered_clauses():
    text = (
        "Officials praised the deal. The Parties shall promote trade in agricultural products;\n"
        "2. The Parties may establish working groups on energy.\n"
        "The agreement will be the 15th such pact."
    )
    s1 = text.index("The Parties")
    s2 = text.index("The agreement")
    sentences = [(0, s1 - 1), (s1, s2 - 1), (s2, len(text))]
    provs = find_provisions(text, sentences)
    assert [p.modality for p in provs] == ["commitment", "permission"]
    assert provs[0].text.startswith("The Parties shall promote")
    assert set(provs[0].domains) == {"trade_investment", "agriculture_food"}
    assert provs[1].domains == ("energy",)
    for p in provs:
        assert text[p.start:p.end] == p.text


def test_provision_actors_use_gazetteer_codes():
    text = "Armenia and the United States will cooperate on border security."
    provs = find_provisions(text, [(0, len(text))])
    assert len(provs) == 1
    assert set(provs[0].actors) >= {"ARM", "USA"}
    assert provs[0].domains == ("border_security",)


def test_capital_as_place_is_not_an_actor():
    text = "At talks in Moscow, Kyiv and Washington agreed to expand cooperation on demining."
    provs = find_provisions(text, [(0, len(text))])
    assert provs and "RUS" not in provs[0].actors
    assert {"UKR", "USA"} <= set(provs[0].actors)


def test_provisions_tolerate_bad_spans():
    text = "The parties shall meet."
    assert find_provisions(text, [(-5, 3000), (10, 2), ("a", "b")])[0].text == text  # type: ignore[list-item]
    assert find_provisions("", [(0, 5)]) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(-20, 400), st.one_of(st.none(), st.integers(-20, 400)))
def test_find_domains_never_raises_and_stays_in_range(text, start, end):
    for d in find_domains(text, start, end):
        assert isinstance(d, DomainMention)
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_modality_and_provisions_never_raise(text):
    modality(text)
    for p in find_provisions(text, [(0, len(text)), (len(text) // 2, len(text))]):
        assert 0 <= p.start < p.end <= len(text)


@pytest.mark.parametrize(
    "text,absent,present",
    [
        # traded goods are trade, not a health cooperation domain
        ("Under the deal Kenya will export tea and Sweden will export medical equipment.", "health", "trade_investment"),
        ("The pact cuts tariffs on medicines, cars and machinery.", "health", "trade_investment"),
        ("Pharmaceutical exports rose after the agreement.", "health", "trade_investment"),
        # ... unless the clause says they cooperate or give
        ("Japan will donate medical equipment to rural hospitals.", None, "health"),
        ("The ministers agreed to cooperate on medicine and vaccines.", None, "health"),
        # other senses
        ("The deal included a licence for Visa credit cards.", "people_to_people", None),
        ("Iran could resume its nuclear development program.", "reconstruction_aid", "nuclear"),
        ("The accord leaves Iran an extensive nuclear infrastructure.", "connectivity", "nuclear"),
        ("The country's atomic energy agency bought the mine.", "energy", "nuclear"),
        ("Washington is supplying helicopters and other military aid under the pact.", "reconstruction_aid", "defense"),
        ("The drill is a fruit of the peace treaty.", "agriculture_food", None),
        ("Analysts studied commercial satellite imagery of the site.", "technology", None),
        ("The trade deal will not ease pressure on the Chinese telecoms giant.", "technology", "trade_investment"),
        ("The navy pulled the drone out of the water.", "environment_climate", "defense"),
        ("President Ghani wrote a letter to the Afghan people about the pact.", "people_to_people", None),
    ],
)
def test_background_senses_of_goods_and_generic_words(text, absent, present):
    cues = _cues(text)
    if absent:
        assert absent not in cues, cues
    if present:
        assert present in cues, cues


@pytest.mark.parametrize(
    "text,domain",
    [
        ("The creditor governments agreed to reschedule the debt over ten years.", "trade_investment"),
        ("The accord gives Lagos debt relief worth a third of its arrears.", "trade_investment"),
        ("Producers signed a new tin pact with export quotas.", "trade_investment"),
        ("The aviation memorandum adds 14 flights a week between the two countries.", "connectivity"),
        ("Under the deal Canada may deport migrants seeking asylum to a safe third country.", "border_security"),
    ],
)
def test_debt_commodity_flight_and_asylum_deals(text, domain):
    assert domain in _cues(text)


def test_rescheduled_meeting_and_cancelled_flights_are_no_domain():
    assert _cues("They rescheduled the meeting after the flights were cancelled.") == {}


def test_chemical_weapons_non_proliferation_is_not_nuclear():
    cues = _cues("The US and Russia agreed on a framework to eliminate Syria's chemical weapons, "
                 "a major non-proliferation step.")
    assert "nuclear" not in cues and "defense" in cues
    assert "nuclear" in _cues("The pact is a major non-proliferation step on nuclear weapons.")
    assert "nuclear" in _cues("Both sides reaffirmed their commitment to non-proliferation.")


@pytest.mark.parametrize(
    "text,absent",
    [
        ("The new rules target birth tourism, officials said of the deal.", "people_to_people"),
        ("He was in London as a tourist when the treaty was signed.", "people_to_people"),
        ("The loan pays for irrigation in the drought-stricken northeast.", "environment_climate"),
        ("The senator, whose home state borders Canada, backed the trade deal.", "border_security"),
    ],
)
def test_more_background_senses(text, absent):
    assert absent not in _cues(text)


def test_state_borders_as_a_noun_still_count():
    assert "border_security" in _cues("The treaty fixes the state borders of the two countries.")
