"""Gazetteer: party mentions, codes, names and titles on short news/treaty-style passages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.gazetteer import (
    PartyMention,
    all_codes,
    code_for,
    display_name,
    find_parties,
    find_titles,
    parse_title,
)


def parties(text: str) -> list[tuple[str, str]]:
    found = find_parties(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.text, m.code) for m in found]


def codes(text: str) -> list[str]:
    return [c for _, c in parties(text)]


# --- names, variants, formal names -----------------------------------------


def test_us_variants_and_spans():
    text = "The United States and Ukraine signed the deal; U.S. officials said the USA and America agree."
    found = find_parties(text)
    assert [(m.text, m.code, m.via) for m in found] == [
        ("United States", "USA", "name"),
        ("Ukraine", "UKR", "name"),
        ("U.S.", "USA", "name"),
        ("USA", "USA", "name"),
        ("America", "USA", "name"),
    ]
    assert found == sorted(found, key=lambda m: m.start)
    assert all(isinstance(m, PartyMention) for m in found)


def test_uk_variants():
    assert codes("Britain, the UK, the U.K. and the United Kingdom are one party.") == ["GBR"] * 4


def test_koreas():
    text = "South Korea (the Republic of Korea) told Seoul's allies that North Korea, the DPRK, fired from Pyongyang."
    assert codes(text) == ["KOR", "KOR", "KOR", "PRK", "PRK", "PRK"]


def test_renamed_states_and_old_spellings():
    text = "Ivory Coast and Côte d'Ivoire; Burma and Myanmar; Peking and Beijing; Kiev and Kyiv."
    assert codes(text) == ["CIV", "CIV", "MMR", "MMR", "CHN", "CHN", "UKR", "UKR"]


def test_formal_treaty_names():
    text = (
        "The Argentine Republic, the Federative Republic of Brazil and the Eastern Republic of Uruguay, "
        "with the Government of the People's Republic of China, the Republic of Azerbaijan and Republic of Armenia"
    )
    assert codes(text) == ["ARG", "BRA", "URY", "CHN", "AZE", "ARM"]
    spans = parties(text)
    assert ("Federative Republic of Brazil", "BRA") in spans
    assert ("People's Republic of China", "CHN") in spans


def test_demonyms_and_plural_demonyms():
    text = (
        "Armenian, Ukrainian and Turkish officials met Philippine and Filipino traders; "
        "Emirati, Israeli and Palestinian envoys; Soviet tanks; Armenians and Israelis."
    )
    got = find_parties(text)
    assert [m.code for m in got] == ["ARM", "UKR", "TUR", "PHL", "PHL", "ARE", "ISR", "PSE", "SUN", "ARM", "ISR"]
    assert {m.via for m in got} == {"adjective"}


def test_capitals_and_metonyms():
    text = (
        "Washington and Moscow traded notes; the Kremlin and the White House disagreed. Downing Street, "
        "Whitehall and the Elysee were silent, while Brussels, Tokyo, Yerevan, Baku, Ankara, Tehran and New Delhi spoke."
    )
    got = [(m.text, m.code, m.via) for m in find_parties(text)]
    assert got == [
        ("Washington", "USA", "capital"),
        ("Moscow", "RUS", "capital"),
        ("Kremlin", "RUS", "metonym"),
        ("White House", "USA", "metonym"),
        ("Downing Street", "GBR", "metonym"),
        ("Whitehall", "GBR", "metonym"),
        ("Elysee", "FRA", "metonym"),
        ("Brussels", "EU", "capital"),
        ("Tokyo", "JPN", "capital"),
        ("Yerevan", "ARM", "capital"),
        ("Baku", "AZE", "capital"),
        ("Ankara", "TUR", "capital"),
        ("Tehran", "IRN", "capital"),
        ("New Delhi", "IND", "capital"),
    ]


def test_former_states():
    text = "The Soviet Union (USSR) and East Germany faced West Germany; Yugoslavia and Czechoslovakia watched."
    assert codes(text) == ["SUN", "SUN", "DDR", "DEU", "YUG", "CSK"]


def test_organisations():
    text = (
        "The European Union, the EU, the European Community, the EC and the EEC; the European Commission; "
        "NATO, the United Nations, the UN, the CSTO, ASEAN, the African Union, the G7, the G20, the OSCE, "
        "the IAEA, OPEC, the WTO, the GCC, the SCO, BRICS, Mercosur and the Quad."
    )
    got = find_parties(text)
    assert [m.code for m in got] == [
        "EU", "EU", "EU", "EU", "EU", "EU", "NATO", "UN", "UN", "CSTO", "ASEAN", "AU", "G7", "G20",
        "OSCE", "IAEA", "OPEC", "WTO", "GCC", "SCO", "BRICS", "Mercosur", "Quad",
    ]
    assert all(m.via == "org" for m in got)


def test_the_community_only_capitalised_with_article():
    assert codes("Ministers of the Community agreed on quotas.") == ["EU"]
    assert codes("The local community agreed.") == []
    assert codes("Community leaders agreed.") == []


def test_non_state_parties():
    text = "The Taliban, FARC, Hamas, Hezbollah, the Houthis, the ELN, M23, the PKK and the SDF."
    got = find_parties(text)
    assert [m.code for m in got] == ["Taliban", "FARC", "Hamas", "Hezbollah", "Houthis", "ELN", "M23", "PKK", "SDF"]
    assert all(m.via == "nonstate" for m in got)


def test_palestine_taiwan_hong_kong_macao_kosovo():
    text = "The Palestinian Authority, the PLO and the Palestinians; Taiwan and Taipei; Hong Kong; Macao and Macau; Kosovo."
    assert codes(text) == ["PSE", "PSE", "PSE", "TWN", "TWN", "HKG", "MAC", "MAC", "XKX"]


# --- pitfalls ----------------------------------------------------------------


def test_us_versus_pronoun():
    assert codes("Let us hope the US agrees.") == ["USA"]
    assert codes("They told us nothing.") == []


def test_short_caps_inside_all_caps_headline_are_words():
    assert codes("PLEASE TELL US WHO WON") == []
    assert codes("US AND CHINA SIGN TRADE DEAL") == ["USA", "CHN"]


def test_georgia_country_versus_us_state():
    assert codes("Georgia and Armenia signed a transit agreement in Tbilisi.") == ["GEO", "ARM", "GEO"]
    assert codes("The rally in Atlanta, Georgia drew thousands.") == []
    assert codes("Georgia Governor Brian Kemp signed the bill.") == []
    assert codes("Sen. David Perdue of Georgia voted no.") == []
    assert codes("Cases were reported in Georgia, Florida and Texas.") == []


def test_jordan_person_versus_country():
    assert codes("Michael Jordan scored 40 points.") == []
    assert codes("Rep. Jim Jordan questioned the witness.") == []
    assert codes("King Abdullah of Jordan met Israeli leaders; Jordan signed.") == ["JOR", "ISR", "JOR"]


def test_chad_first_name():
    assert codes("Chad Johnson caught the pass.") == []
    assert codes("Chad and France ended their defence pact; Chad's army withdrew.") == ["TCD", "FRA", "TCD"]
    assert codes("Chad President Mahamat Deby") == ["TCD"]


def test_lowercase_common_words():
    assert codes("We ate turkey and drank from fine china.") == []
    assert codes("Turkey and China") == ["TUR", "CHN"]


def test_seas_and_us_states_are_not_parties():
    assert codes("Vessels in the South China Sea and the Indian Ocean.") == []
    assert codes("New Mexico and Papua New Guinea, not Mexico or Guinea.") == ["PNG", "MEX", "GIN"]
    assert parties("Papua New Guinea")[0] == ("Papua New Guinea", "PNG")


def test_newspapers_are_not_parties():
    assert codes("The Washington Post, the Washington Times and the Moscow Times reported.") == []
    assert codes("In Washington state, officials said.") == []


def test_capital_inside_agreement_name_is_left_to_caller():
    got = find_parties("The Paris Agreement and the Paris Club.")
    assert [(m.text, m.code, m.via) for m in got] == [("Paris", "FRA", "capital"), ("Paris", "FRA", "capital")]


def test_adjective_inside_event_name_still_returned():
    assert codes("veterans of the Korean War") == ["KOR"]


def test_possessive():
    text = "Armenia's prime minister and Ukraine’s foreign minister"
    assert parties(text) == [("Armenia", "ARM"), ("Ukraine", "UKR")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("the US-Ukraine framework", [("US", "USA"), ("Ukraine", "UKR")]),
        ("U.S.-Japan alliance", [("U.S.", "USA"), ("Japan", "JPN")]),
        ("the Sino-Soviet split", [("Sino", "CHN"), ("Soviet", "SUN")]),
        ("Israeli-Palestinian talks", [("Israeli", "ISR"), ("Palestinian", "PSE")]),
        ("EU-India trade deal", [("EU", "EU"), ("India", "IND")]),
        ("Indo-Pakistani war", [("Indo", "IND"), ("Pakistani", "PAK")]),
        ("a Russo-Japanese war", [("Russo", "RUS"), ("Japanese", "JPN")]),
    ],
)
def test_hyphenated_pairs_give_both_codes(text, expected):
    assert parties(text) == expected


def test_indo_pacific_is_a_region():
    assert codes("a free and open Indo-Pacific") == []


def test_currency_prefix_is_not_a_party():
    assert codes("pledged US$1.6 billion") == []


def test_hard_wrapped_name():
    text = "talks between the United\nStates and Japan"
    assert parties(text) == [("United\nStates", "USA"), ("Japan", "JPN")]


def test_all_caps_dateline():
    assert parties("YEREVAN, Aug 8 (Reuters) - Armenia") == [("YEREVAN", "ARM"), ("Armenia", "ARM")]


# --- code_for / display_name ---------------------------------------------------


@pytest.mark.parametrize(
    "name,code",
    [
        ("Armenia", "ARM"),
        ("Armenian", "ARM"),
        ("Yerevan", "ARM"),
        ("the Kremlin", "RUS"),
        ("U.S.", "USA"),
        ("European Community", "EU"),
        ("the Government of the People's Republic of China", "CHN"),
        ("Armenia's", "ARM"),
        ("united kingdom", "GBR"),
        ("Soviet", "SUN"),
        ("NATO", "NATO"),
        ("ARM", "ARM"),
        ("Kosovo", "XKX"),
    ],
)
def test_code_for(name, code):
    assert code_for(name) == code


def test_code_for_unknown():
    assert code_for("Atlantis") is None
    assert code_for("") is None
    assert code_for("us") is None


def test_display_name():
    assert display_name("ARM") == "Armenia"
    assert display_name("SUN") == "Soviet Union"
    assert display_name("EU") == "European Union"
    assert display_name("XYZ") == "XYZ"


def test_every_iso_state_is_covered():
    states = all_codes("state")
    assert len(states) >= 249
    for code in ("USA", "GBR", "FRA", "ARM", "AZE", "PSE", "TWN", "XKX", "SUN", "DDR", "ATA", "VAT"):
        assert code in states
    for code in states:
        assert code_for(display_name(code)) == code


# --- titles -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,role,party",
    [
        ("US Secretary of State", "Secretary of State", "USA"),
        ("Armenian Foreign Minister", "Foreign Minister", "ARM"),
        ("Japan's Defense Minister", "Defense Minister", "JPN"),
        ("Minister of Defence of the Republic of Armenia", "Minister of Defence", "ARM"),
        ("U.S. Trade Representative", "Trade Representative", "USA"),
        ("EU High Representative", "High Representative", "EU"),
        ("Deputy Prime Minister", "Deputy Prime Minister", None),
        ("Ukrainian Minister for Foreign Affairs", "Minister for Foreign Affairs", "UKR"),
        ("Saudi Crown Prince", "Crown Prince", "SAU"),
        ("the Emir of Qatar", "Emir", "QAT"),
        ("former U.S. Secretary of Defense", "Secretary of Defense", "USA"),
    ],
)
def test_parse_title(text, role, party):
    assert parse_title(text) == (role, party)


def test_parse_title_without_title():
    assert parse_title("Armenia") == (None, "ARM")
    assert parse_title("") == (None, None)


def test_find_titles_in_a_sentence():
    text = "Armenian Foreign Minister Ararat Mirzoyan and U.S. Secretary of State Antony Blinken signed the charter."
    got = find_titles(text)
    assert [(t.text, t.role, t.party) for t in got] == [
        ("Armenian Foreign Minister", "Foreign Minister", "ARM"),
        ("U.S. Secretary of State", "Secretary of State", "USA"),
    ]
    for t in got:
        assert text[t.start:t.end] == t.text


def test_ambassador_to_is_not_the_ambassadors_party():
    got = find_titles("U.S. Ambassador to Japan Rahm Emanuel")
    assert [(t.role, t.party) for t in got] == [("Ambassador", "USA")]


def test_lowercase_furniture_is_not_a_title():
    assert find_titles("She sat on the chair next to the speaker.") == []


# --- robustness -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\x00\x01\x02", "مرحبا بالعالم الولايات", "A" * 100000, "U.S." * 1000, "-" * 50])
def test_odd_input(text):
    for m in find_parties(text):
        assert 0 <= m.start < m.end <= len(text)
    for t in find_titles(text):
        assert 0 <= t.start < t.end <= len(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
       | st.lists(st.sampled_from(["US", "Georgia", "Jordan", " ", "-", "Sino", "'s", "Chad", "the", "Community", "\n", "U.S.", "A"]), max_size=30).map("".join))
def test_property_offsets_inside_text(text):
    found = find_parties(text)
    last_end = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end
        last_end = m.end
    for t in find_titles(text):
        assert 0 <= t.start < t.end <= len(text)
    code_for(text)
    parse_title(text)


# --- later additions: surnames, institutions, treaty-style titles ---------------------------


def test_party_name_after_a_given_name_is_a_surname():
    assert codes("Aides Matt Paul, David Oman and Lisa Monaco met Jack St. Martin.") == []
    assert codes("Fox News host Brit Hume argued the point.") == []
    assert codes("Oman and Monaco signed a tax treaty.") == ["OMN", "MCO"]


def test_capitalised_community_inside_a_name_is_not_the_ec():
    assert codes("on signing the Community Mental Health Act") == []


def test_cross_strait_bodies():
    text = "The Association for Relations Across the Taiwan Straits and the Straits Exchange Foundation agreed."
    assert codes(text) == ["CHN", "TWN"]


def test_titles_with_formal_party_after():
    text = "Prime Minister of the Republic of Armenia Nikol Pashinyan and President of the Republic of Azerbaijan Ilham Aliyev"
    got = [(t.text, t.role, t.party) for t in find_titles(text)]
    assert got == [
        ("Prime Minister of the Republic of Armenia", "Prime Minister", "ARM"),
        ("President of the Republic of Azerbaijan", "President", "AZE"),
    ]


def test_coordinated_titles_share_the_party():
    got = [(t.role, t.party) for t in find_titles("Chinese State Councilor and Foreign Minister Wang Yi")]
    assert got == [("State Councilor", "CHN"), ("Foreign Minister", "CHN")]


def test_lowercase_title_after_possessive():
    got = find_titles("Mirzoyan, Armenia's foreign minister, said")
    assert [(t.text, t.role, t.party) for t in got] == [("Armenia's foreign minister", "Foreign Minister", "ARM")]


def test_king_as_surname_or_brand_is_not_a_title():
    assert find_titles("Stephen King wrote it; Burger King sold it.") == []
    assert [(t.role, t.party) for t in find_titles("Saudi King Salman")] == [("King", "SAU")]


def test_long_portfolio_titles():
    assert parse_title("Minister of Planning and International Cooperation") == (
        "Minister of Planning and International Cooperation",
        None,
    )
    assert parse_title("Minister of Foreign Affairs and International Cooperation of the UAE") == (
        "Minister of Foreign Affairs and International Cooperation",
        "ARE",
    )


def test_headline_abbreviations_for_the_koreas():
    assert codes("S. Korea, N. Korea agree to talks") == ["KOR", "PRK"]


def test_us_towns_named_after_states_or_capitals():
    assert codes("Plants in Lebanon, Tenn., Cairo, Illinois and Mexico, Mo. closed.") == []
    assert codes("Armenia, Georgia and Azerbaijan met; Jordan, Israel and Egypt too.") == ["ARM", "GEO", "AZE", "JOR", "ISR", "EGY"]


def test_languages_are_not_parties():
    assert codes("He spoke on Spanish-language networks and speaks Russian.") == []
    assert codes("The text was signed in Armenian and English, both equally authentic.") == []
    assert codes("Russian troops crossed into French territory.") == ["RUS", "FRA"]


def test_security_council_of_a_state_is_not_the_un():
    text = "The National Security Council and the Russian Security Council met; the Security Council of Armenia too."
    assert codes(text) == ["RUS", "ARM"]
    assert codes("The Security Council voted 15-0; the U.N. Security Council agreed.") == ["UN", "UN"]


def test_military_ranks_and_bare_secretary():
    text = "Gen. Mark Milley, Secretary Blinken and Lt. Gen. Ruslan Khomchak met; US chief negotiator Zalmay Khalilzad too."
    got = [(t.text, t.role, t.party) for t in find_titles(text)]
    assert got == [
        ("Gen.", "Gen.", None),
        ("Secretary", "Secretary", None),
        ("Lt. Gen.", "Lt. Gen.", None),
        ("US chief negotiator", "Chief Negotiator", "USA"),
    ]
    assert find_titles("a secretary typed it; in general terms") == []


def test_word_lists_are_well_formed_and_unambiguous():
    """Each alias names one party across countries, organisations, non-state parties and metonyms."""
    import re
    from collections import defaultdict
    from importlib import resources

    def rows(name):
        text = resources.files("pactwatch.annotate").joinpath("data", name).read_text(encoding="utf-8")
        return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]

    owners = defaultdict(set)

    def add(alias, code):
        alias = alias.strip()
        owners[alias[4:] if alias.startswith(("the ", "The ")) else alias].add(code)

    for cols in rows("countries.tsv"):
        assert len(cols) == 5, cols
        assert re.fullmatch(r"[A-Z]{3}", cols[0]), cols[0]
        for col in cols[2:]:
            for alias in filter(None, col.split("|")):
                add(alias, cols[0])
    for name in ("orgs.tsv", "nonstate.tsv"):
        for cols in rows(name):
            assert len(cols) == 2, cols
            for alias in filter(None, cols[1].split("|")):
                add(alias, cols[0])
    for cols in rows("metonyms.tsv"):
        assert len(cols) in (2, 3), cols
        add(cols[0], cols[1])
    conflicts = {a: c for a, c in owners.items() if len(c) > 1}
    assert conflicts == {}


def test_seas_straits_and_idioms_are_not_parties():
    text = "Ships in the Gulf of Aden and the Taiwan Strait; the Inter-American Development Bank; the Spanish flu."
    assert codes(text) == []
    assert codes("Aden and Taipei") == ["YEM", "TWN"]


def test_title_case_headlines_keep_ambiguous_names():
    assert codes("Trump Meets Jordan King Over Peace Plan") == ["JOR"]
    assert codes("Chad Signs Defence Deal With France") == ["TCD", "FRA"]
    assert codes("Michael Jordan Scores 40 Points Against Knicks") == []


def test_company_names_are_not_parties():
    text = "equity in US Sprint; <Okamoto U.S.A. Inc> markets; its <Delhi Petroleum Pty Ltd> unit; Thai Airways flew."
    assert codes(text) == []
    assert codes("if x < 5 and Armenia > 3") == ["ARM"]


def test_historical_code_for_capitals_of_former_states():
    from pactwatch.annotate.gazetteer import historical_code

    assert historical_code("RUS", "1987-03-04") == "SUN"
    assert historical_code("RUS", "1991-12-25") == "SUN"
    assert historical_code("RUS", "1991-12-26") == "RUS"
    assert historical_code("RUS", "2019") == "RUS"
    assert historical_code("SRB", "1990") == "YUG"
    assert historical_code("CZE", "1992-06") == "CSK"
    assert historical_code("ARM", "1987") == "ARM"
    assert historical_code("RUS", None) == "RUS"
    assert historical_code("RUS", "garbage") == "RUS"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The Syrian Democratic Forces (SDF) handed the town to Damascus.", ["SDF", "SDF", "SYR"]),
        ("Houthi rebels and Saudi Arabia extended the truce; Ansar Allah said it would hold.",
         ["Houthis", "SAU", "Houthis"]),
        ("The Rapid Support Forces (RSF) and the army signed a ceasefire.", ["RSF", "RSF"]),
        ("The Tigray People's Liberation Front and Ethiopia agreed to a cessation of hostilities.", ["TPLF", "ETH"]),
        ("Libya's National Transitional Council met the Libyan National Army (LNA).", ["LBY", "NTC", "LNA", "LNA"]),
        ("The Southern Transitional Council joined the talks.", ["STC"]),
        ("The Sudan Liberation Movement and the Justice and Equality Movement walked out.", ["SLM", "JEM"]),
        ("The Polisario Front, Palestinian Islamic Jihad and the Kosovo Liberation Army.",
         ["Polisario", "Islamic Jihad", "KLA"]),
        ("The NDFP speaks for the New People's Army.", ["NDFP", "NPA"]),
        ("The Donetsk People's Republic and the Luhansk People's Republic signed the protocol.", ["DPR", "LPR"]),
        ("The FMLN and the government of El Salvador.", ["FMLN", "SLV"]),
    ],
)
def test_armed_movements_party_to_ceasefires(text, expected):
    got = find_parties(text)
    assert [m.code for m in got] == expected
    assert all(m.via == "nonstate" for m in got if m.code not in {"SYR", "SAU", "ETH", "LBY", "SLV"})


def test_reporters_without_borders_is_not_the_rsf():
    assert codes("Reporters Without Borders (RSF) criticised the law.") == []


def test_us_territories():
    text = ("The U.S. Virgin Islands, the Virgin Islands, Guam, American Samoa, Puerto Rico, "
            "the Northern Mariana Islands and the British Virgin Islands.")
    assert codes(text) == ["VIR", "VIR", "GUM", "ASM", "PRI", "MNP", "VGB"]


@pytest.mark.parametrize(
    "text,city",
    [
        ("The Paris Club of creditors rescheduled the debt.", "Paris"),
        ("Washington left the Paris pact in 2017.", "Paris"),
        ("Both sides still back the Paris Agreement.", "Paris"),
        ("Kyiv accused Moscow of breaking the Minsk agreements.", "Minsk"),
        ("The talks revived Minsk II.", "Minsk"),
        ("Norway hosted the talks that produced the Oslo Accords.", "Oslo"),
        ("It was the Treaty of Lisbon that changed the rules.", "Lisbon"),
        ("The Astana format brought Turkey, Iran and Russia together.", "Astana"),
    ],
)
def test_city_inside_an_agreement_or_club_name_is_flagged(text, city):
    m = next(m for m in find_parties(text) if m.text == city)
    assert m.via == "capital" and m.in_name


def test_capital_acting_as_party_is_not_flagged():
    text = "Washington and Moscow agreed; Paris said the deal was good. Officials in Paris signed."
    got = [m for m in find_parties(text) if m.via == "capital"]
    assert [m.text for m in got] == ["Washington", "Moscow", "Paris", "Paris"]
    assert not any(m.in_name for m in got)


@pytest.mark.parametrize(
    "text,territory",
    [
        ("Britain handed Hong Kong back to China in 1997 under the joint declaration.", "Hong Kong"),
        ("Portugal agreed to return Macao to China in 1999.", "Macao"),
        ("The accord set out the handover of Hong Kong to China.", "Hong Kong"),
        ("Macao will be handed back to China at midnight.", "Macao"),
        ("Critics say Hong Kong's return to Chinese sovereignty changed little.", "Hong Kong"),
    ],
)
def test_territory_changing_hands_is_flagged(text, territory):
    got = {m.text: m for m in find_parties(text)}
    assert got[territory].transferred
    assert not any(m.transferred for t, m in got.items() if t != territory)


@pytest.mark.parametrize(
    "text",
    [
        "Hong Kong signed a free trade deal with Chile.",
        "Diplomats hope to return Iran to the negotiating table.",
        "The US's return to the Paris Agreement was welcomed.",
        "The deal would return Russia to the Group of Eight.",
    ],
)
def test_actors_are_not_flagged_as_transferred(text):
    assert not any(m.transferred for m in find_parties(text))
