"""Hand-built, realistic pactwatch/v1 records for the store tests.

Texts are written for these tests (not copied from any corpus).  Evidence spans are found
with ``str.find`` on the quoted passage, so every span points at real text.
"""

from __future__ import annotations

from pactwatch.record import Record


def span(text: str, quote: str, start: int = 0) -> list[int]:
    i = text.find(quote, start)
    assert i >= 0, f"quote not in text: {quote!r}"
    return [i, i + len(quote)]


def make_record(doc_id: str, text: str, *, published: str | None, source: str, title: str | None,
                agreements: list[dict]) -> Record:
    """``agreements``: field -> value, and ``quotes``: field -> quote or list of quotes."""
    ags = []
    for a in agreements:
        a = dict(a)
        quotes = a.pop("quotes", {})
        ev = {}
        for field, q in quotes.items():
            ev[field] = [span(text, x) for x in (q if isinstance(q, list) else [q])]
        a["evidence"] = ev
        ags.append(a)
    return Record.model_validate({"schema": "pactwatch/v1", "document": {
        "id": doc_id, "source": source, "title": title, "published": published, "language": "en", "text": text,
        "removed": []}, "agreements": ags})


# --- the 2021 US-Ukraine Strategic Defense Framework, as three outlets report it -------------

TEXT_A = (
    "KYIV, Sept 1 - Ukraine and the United States on Tuesday signed a strategic defense framework "
    "in Washington, the Pentagon said. Defense Secretary Lloyd Austin and Ukrainian Defense Minister "
    "Oleksii Reznikov signed the document, which lays the foundation for deeper cooperation in "
    "Black Sea security, cyber defense and intelligence sharing. The United States committed $60 million "
    "in security assistance. The sides will hold an annual strategic dialogue."
)
TEXT_B = (
    "WASHINGTON (Wire) - Pentagon chief Lloyd Austin and Ukraine's Defence Minister Oleksii Reznikov signed "
    "the agreement on the strategic foundations of the defense partnership on August 31, 2021. "
    "Under the document the two countries will deepen cooperation on cyber defense and intelligence sharing. "
    "Washington pledged $60 million in military aid."
)
TEXT_C = (
    "Reznikov hails US-Ukraine strategic defence framework. Ukraine's defence minister said on Wednesday "
    "the Strategic Defense Framework signed with the United States in August 2021 opens the way to joint "
    "training and arms production. The framework will be reviewed at a yearly strategic dialogue."
)


def framework_reports() -> list[Record]:
    a = make_record("outlet-a-2021-09-01", TEXT_A, published="2021-09-01", source="https://outlet-a.example/1",
                    title="Ukraine, US sign strategic defense framework", agreements=[{
                        "name": "strategic defense framework", "role": "primary", "kind": "framework",
                        "parties": ["UKR", "USA"], "status": "signed", "signed_date": "2021-08-31",
                        "place": "Washington",
                        "signatories": [
                            {"name": "Lloyd Austin", "role": "Defense Secretary", "party": "USA"},
                            {"name": "Oleksii Reznikov", "role": "Defense Minister", "party": "UKR"}],
                        "domains": ["cyber", "defense", "intelligence"],
                        "funding": [{"amount": 60000000, "currency": "USD", "purpose": "security assistance"}],
                        "mechanisms": [{"kind": "dialogue", "name": "strategic dialogue", "frequency": "P1Y"}],
                        "provisions": [{"text": "The United States committed $60 million in security assistance.",
                                        "actor": ["USA"], "modality": "commitment", "domains": ["defense"]}],
                        "confidence": 0.8,
                        "quotes": {
                            "name": "strategic defense framework", "kind": "strategic defense framework",
                            "parties": ["Ukraine", "United States"], "status": "signed a strategic defense framework",
                            "signed_date": "on Tuesday", "place": "in Washington",
                            "signatories": ["Defense Secretary Lloyd Austin",
                                            "Ukrainian Defense Minister \nOleksii Reznikov".replace(" \n", " ")],
                            "domains": ["cyber defense", "Black Sea security", "intelligence sharing"],
                            "funding": "$60 million in security assistance",
                            "mechanisms": "annual strategic dialogue",
                            "provisions": "The United States committed $60 million in security assistance.",
                        }}])
    b = make_record("outlet-b-2021-08-31", TEXT_B, published="2021-08-31", source="https://outlet-b.example/x",
                    title="Austin, Reznikov sign defense partnership", agreements=[{
                        "name": "agreement on the strategic foundations of the defense partnership",
                        "role": "primary", "kind": "agreement", "parties": ["USA", "UKR"], "status": "signed",
                        "signed_date": "2021-08-31",
                        "signatories": [
                            {"name": "Lloyd Austin", "role": "Pentagon chief", "party": "USA"},
                            {"name": "Oleksii Reznikov", "role": "Defence Minister", "party": "UKR"}],
                        "domains": ["cyber", "intelligence"],
                        "funding": [{"amount": 60000000, "currency": "USD", "purpose": "military aid"}],
                        "confidence": 0.7,
                        "quotes": {
                            "name": "agreement on the strategic foundations of the defense partnership",
                            "kind": "agreement on the strategic foundations",
                            "parties": ["Ukraine", "Washington"], "status": "signed",
                            "signed_date": "August 31, 2021",
                            "signatories": ["Pentagon chief Lloyd Austin", "Defence Minister Oleksii Reznikov"],
                            "domains": ["cyber defense", "intelligence sharing"],
                            "funding": "$60 million in military aid",
                        }}])
    c = make_record("outlet-c-2021-09-15", TEXT_C, published="2021-09-15", source="https://outlet-c.example/y",
                    title="Reznikov hails US-Ukraine strategic defence framework", agreements=[{
                        "name": "Strategic Defense Framework", "role": "primary", "kind": "framework",
                        "parties": ["UKR", "USA"], "status": "signed", "signed_date": "2021-08",
                        "domains": ["defense"],
                        "mechanisms": [{"kind": "dialogue", "name": "strategic dialogue", "frequency": "P1Y"}],
                        "confidence": 0.6,
                        "quotes": {
                            "name": "Strategic Defense Framework", "kind": "Strategic Defense Framework",
                            "parties": ["Ukraine", "United States"], "status": "signed",
                            "signed_date": "August 2021", "domains": "joint \ntraining".replace(" \n", " "),
                            "mechanisms": "yearly strategic dialogue",
                        }}])
    return [a, b, c]


# --- the 2024 US-Ukraine Bilateral Security Agreement (same pair, another agreement) --------

TEXT_D = (
    "President Joe Biden and President Volodymyr Zelensky signed a 10-year bilateral security agreement "
    "on the sidelines of the G7 summit in Apulia, Italy, on June 13, 2024. The agreement does not include "
    "a mutual defense clause, but commits the two countries to consult within 24 hours in the event of a "
    "future armed attack on Ukraine. It also mentions the 2021 Strategic Defense Framework."
)


def security_agreement_2024() -> Record:
    return make_record("outlet-d-2024-06-13", TEXT_D, published="2024-06-13", source="https://outlet-d.example/z",
                       title="Biden, Zelensky sign 10-year security agreement", agreements=[{
                           "name": "bilateral security agreement", "role": "primary", "kind": "agreement",
                           "parties": ["UKR", "USA"], "status": "signed", "signed_date": "2024-06-13",
                           "place": "Apulia",
                           "signatories": [{"name": "Joe Biden", "role": "President", "party": "USA"},
                                           {"name": "Volodymyr Zelensky", "role": "President", "party": "UKR"}],
                           "domains": ["defense"], "duration_years": 10, "defense_pledge": False,
                           "consultation_pledge": True, "confidence": 0.9,
                           "mechanisms": [{"kind": "meeting", "name": "consultations", "due": "2024-06-14"}],
                           "quotes": {
                               "name": "bilateral security agreement", "kind": "security agreement",
                               "parties": ["Ukraine", "Biden"], "status": "signed", "signed_date": "June 13, 2024",
                               "place": "Apulia", "signatories": ["President Joe Biden", "President Volodymyr Zelensky"],
                               "domains": "armed attack", "duration_years": "10-year",
                               "defense_pledge": "does not include \na mutual defense clause".replace(" \n", " "),
                               "consultation_pledge": "consult within 24 hours",
                               "mechanisms": "consult within 24 hours",
                           }}, {
                           "name": "Strategic Defense Framework", "role": "mentioned", "kind": "framework",
                           "parties": ["UKR", "USA"], "signed_date": "2021", "confidence": 0.5,
                           "quotes": {"name": "Strategic Defense Framework", "signed_date": "2021"}}])


# --- unrelated agreements for filters, network and search ---------------------------------

TEXT_E = (
    "Armenia and Azerbaijan initialled a peace agreement at the White House on August 8, 2025, "
    "with the United States as witness. The deal establishes a transit route through southern Armenia "
    "and a bilateral commission on border delimitation that shall meet twice a year."
)
TEXT_F = (
    "France and Chad ended their defence cooperation agreement in November 2024. The French troops will "
    "leave within six months. Paris had provided $18 million in military financing."
)


def other_records() -> list[Record]:
    e = make_record("outlet-e-2025-08-09", TEXT_E, published="2025-08-09", source="https://outlet-e.example/p",
                    title="Armenia, Azerbaijan initial peace deal", agreements=[{
                        "name": "peace agreement", "role": "primary", "kind": "agreement",
                        "parties": ["ARM", "AZE", "USA"], "status": "expected", "signed_date": "2025-08-08",
                        "place": "White House", "domains": ["border_security", "connectivity"], "confidence": 0.85,
                        "mechanisms": [{"kind": "commission", "name": "bilateral commission on border delimitation",
                                        "frequency": "P6M"}],
                        "provisions": [{"text": "a transit route through southern Armenia", "actor": ["ARM"],
                                        "modality": "commitment", "domains": ["connectivity"]}],
                        "quotes": {"name": "peace agreement", "parties": ["Armenia", "Azerbaijan", "United States"],
                                   "signed_date": "August 8, 2025", "place": "White House",
                                   "domains": ["border delimitation", "transit route"],
                                   "mechanisms": "bilateral commission on border delimitation",
                                   "provisions": "a transit route through southern Armenia"}}])
    f = make_record("outlet-f-2024-11-29", TEXT_F, published="2024-11-29", source="https://outlet-f.example/q",
                    title="Chad ends defence pact with France", agreements=[{
                        "name": "defence cooperation agreement", "role": "primary", "kind": "agreement",
                        "parties": ["FRA", "TCD"], "status": "terminated", "signed_date": None,
                        "domains": ["defense"], "confidence": 0.75,
                        "funding": [{"amount": 18000000, "currency": "USD", "purpose": "military financing"}],
                        "quotes": {"name": "defence cooperation agreement", "parties": ["France", "Chad"],
                                   "status": "ended", "domains": "French troops",
                                   "funding": "$18 million in military financing"}}])
    return [e, f]
