"""Data and helpers of the web tests, shared by conftest.py and the test modules."""

from __future__ import annotations

from datetime import date, timedelta

from pactwatch.record import Agreement, Document, Record

TOKEN = "test-token-5f1c9a"
DEV_DOCS = (
    "seed-000_19355014d914bc56.txt",        # US-Armenia strategic partnership (evidence, funding, commission)
    "armenia-azerbaijan-pact.txt",          # Armenia-Azerbaijan non-aggression pact (proposed)
    "us-philippines-edca-2014.txt",
    "azerbaijan-turkey-shusha-2021.txt",
    "us-india-defense-framework-2025.txt",
)

HOSTILE_TEXT = (
    "Iceland and Norway signed the Arctic Fisheries Agreement in Reykjavik on 4 May 2023.\n"
    "A commenter wrote <script>window.pwned = 1;</script> and <img src=x onerror=\"window.pwned=2\"> "
    "under the story, and <b>bold</b> claims & \"quotes\".\n"
    "The agreement commits both parties to defense cooperation and fisheries research.\n"
)


def span(text: str, phrase: str, start: int = 0) -> tuple[int, int]:
    i = text.index(phrase, start)
    return (i, i + len(phrase))


def hand_records() -> list[Record]:
    """Records a reviewer could have written by hand, each with valid evidence spans."""
    today = date.today()
    t = HOSTILE_TEXT
    hostile = Record(
        document=Document(id="hostile-doc", source="https://example.org/hostile", title="Hostile <script>title</script>",
                          published="2023-05-05", text=t),
        agreements=[Agreement(
            name="Arctic Fisheries Agreement", role="primary", kind="agreement", parties=["ISL", "NOR"],
            status="signed", signed_date="2023-05-04", place="Reykjavik", domains=["defense"],
            evidence={"name": [span(t, "Arctic Fisheries Agreement")], "parties": [span(t, "Iceland"), span(t, "Norway")],
                      "status": [span(t, "signed")], "signed_date": [span(t, "4 May 2023")],
                      "place": [span(t, "Reykjavik")], "domains": [span(t, "defense cooperation")]},
            confidence=0.9)])
    # A second source on the same agreement that disagrees about the place.
    t2 = ("Norway's fisheries minister said in Oslo that the Arctic Fisheries Agreement with Iceland, "
          "signed in Oslo on 4 May 2023, sets up a joint commission that must report within a year.\n"
          f"The commission's first report is due by {(today + timedelta(days=200)).isoformat()}.\n")
    second = Record(
        document=Document(id="second-source", source="https://example.org/oslo", title="Oslo view of the fisheries deal",
                          published="2023-05-06", text=t2),
        agreements=[Agreement(
            name="Arctic Fisheries Agreement", role="primary", kind="agreement", parties=["ISL", "NOR"],
            status="signed", signed_date="2023-05-04", place="Oslo", domains=["agriculture_food"],
            mechanisms=[{"kind": "commission", "name": "joint commission",
                         "due": (today + timedelta(days=200)).isoformat()}],
            funding=[{"amount": 2500000, "currency": "EUR", "purpose": "fisheries research"}],
            evidence={"name": [span(t2, "Arctic Fisheries Agreement")],
                      "parties": [span(t2, "Iceland"), span(t2, "Norway")], "status": [span(t2, "signed")],
                      "signed_date": [span(t2, "4 May 2023")], "place": [span(t2, "Oslo", 60)],
                      "domains": [span(t2, "fisheries minister")],
                      "mechanisms": [span(t2, "joint commission")], "funding": [span(t2, "fisheries minister")]},
            confidence=0.8)])
    # An overdue working-group deadline and a recurring meeting, on another pair.
    t3 = ("Chile and Peru concluded a maritime cooperation memorandum in Lima on 10 February 2020. "
          "A working group shall draft a joint patrol plan within three months, and a joint council "
          "shall meet once a year. The memorandum does not include a mutual defense clause, but the two "
          "governments will consult each other in a crisis.\n")
    third = Record(
        document=Document(id="chile-peru-mou", source="https://example.org/lima", title="Chile and Peru sign maritime memorandum",
                          published="2020-02-11", text=t3),
        agreements=[Agreement(
            name="maritime cooperation memorandum", role="primary", kind="memorandum", parties=["CHL", "PER"],
            status="signed", signed_date="2020-02-10", place="Lima", domains=["border_security"],
            mechanisms=[{"kind": "working_group", "name": "working group", "due": "2020-05-10"},
                        {"kind": "council", "name": "joint council", "frequency": "P1Y"}],
            defense_pledge=False, consultation_pledge=True,
            evidence={"name": [span(t3, "maritime cooperation memorandum")], "parties": [span(t3, "Chile"), span(t3, "Peru")],
                      "status": [span(t3, "concluded")], "signed_date": [span(t3, "10 February 2020")],
                      "place": [span(t3, "Lima")], "domains": [span(t3, "maritime cooperation")],
                      "mechanisms": [span(t3, "A working group shall draft a joint patrol plan within three months"),
                                     span(t3, "a joint council shall meet once a year")],
                      "defense_pledge": [span(t3, "does not include a mutual defense clause")],
                      "consultation_pledge": [span(t3, "will consult each other in a crisis")]},
            confidence=0.85)])
    for r in (hostile, second, third):
        assert not r.check_evidence()
    return [hostile, second, third]


def agreement_id(client, name: str, **params) -> int:
    """Id of the agreement called ``name`` (exact, case-insensitive) among the listing."""
    r = client.get("/api/agreements", params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    for item in r.json()["items"]:
        if item["name"].lower() == name.lower():
            return item["id"]
    raise AssertionError(f"{name!r} not among {[i['name'] for i in r.json()['items']]}")
