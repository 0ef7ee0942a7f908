"""The `pactwatch/v1` record: the one definition shared by extractor, store, API and exports.

See ``shared/spec/RECORD.md``. Evidence convention used throughout the code base:

* ``Agreement.evidence`` maps a field name to a list of ``[start, end)`` spans into
  ``Document.text``.
* For list-valued fields (``parties``, ``signatories``, ``domains``, ``provisions``,
  ``funding``, ``mechanisms``, ``related``) the list of spans is aligned with the list
  of values: ``evidence["funding"][i]`` justifies ``funding[i]``.
* For scalar fields (``name``, ``kind``, ``status``, ``signed_date``, ``place``,
  ``duration_years``, ``defense_pledge``, ``consultation_pledge``) the spans are the
  passages that justify the value (usually one).
* A field whose value is null/empty has no evidence entry.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA = "pactwatch/v1"

Role = Literal["primary", "mentioned"]
Kind = Literal[
    "treaty", "charter", "agreement", "pact", "framework", "memorandum", "declaration",
    "joint_statement", "protocol", "roadmap", "other",
]
Status = Literal["signed", "expected", "negotiating", "proposed", "in_force", "withdrawn", "terminated"]
Modality = Literal["commitment", "intent", "permission", "negation"]
MechanismKind = Literal[
    "commission", "working_group", "dialogue", "council", "committee", "summit", "meeting", "secretariat",
]
Domain = Literal[
    "defense", "intelligence", "cyber", "counterterrorism", "border_security", "peacekeeping",
    "demining", "nuclear", "energy", "trade_investment", "connectivity", "technology",
    "critical_minerals", "democracy_governance", "people_to_people", "reconstruction_aid",
    "health", "environment_climate", "agriculture_food",
]

DOMAINS: tuple[str, ...] = Domain.__args__  # type: ignore[attr-defined]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
MECHANISM_KINDS: tuple[str, ...] = MechanismKind.__args__  # type: ignore[attr-defined]

# Kind precedence of RECORD.md: a name holding several kind nouns takes the highest.
KIND_PRECEDENCE: tuple[str, ...] = (
    "charter", "treaty", "memorandum", "framework", "protocol", "roadmap", "declaration",
    "joint_statement", "agreement", "pact", "other",
)

Span = tuple[int, int]
# Dates keep their precision: YYYY, YYYY-MM or YYYY-MM-DD.
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Document(_Model):
    id: str
    source: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    language: str | None = "en"
    text: str
    removed: list[tuple[int, int, str]] = Field(default_factory=list)


class Signatory(_Model):
    name: str
    role: str | None = None
    party: str | None = None


class Provision(_Model):
    text: str
    actor: list[str] = Field(default_factory=list)
    modality: Modality
    domains: list[Domain] = Field(default_factory=list)


class Funding(_Model):
    amount: float
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    purpose: str | None = None


class Mechanism(_Model):
    kind: MechanismKind
    name: str | None = None
    frequency: str | None = Field(default=None, pattern=r"^P(\d+[YMWD])+$")
    due: str | None = Field(default=None, pattern=DATE_PATTERN)


class Agreement(_Model):
    name: str
    role: Role
    kind: Kind
    parties: list[str] = Field(default_factory=list)
    status: Status | None = None
    signed_date: str | None = Field(default=None, pattern=DATE_PATTERN)
    place: str | None = None
    signatories: list[Signatory] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    provisions: list[Provision] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    duration_years: float | None = None
    defense_pledge: bool | None = None
    consultation_pledge: bool | None = None
    mechanisms: list[Mechanism] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    evidence: dict[str, list[Span]] = Field(default_factory=dict)
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)

    @field_validator("parties")
    @classmethod
    def _sorted_unique(cls, v: list[str]) -> list[str]:
        return sorted(set(v))


class Record(_Model):
    schema_: Literal["pactwatch/v1"] = Field(default=SCHEMA, alias="schema")
    document: Document
    agreements: list[Agreement] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)

    def check_evidence(self) -> list[str]:
        """Return a list of problems with evidence offsets (empty when all are inside the text)."""
        n = len(self.document.text)
        problems = []
        for i, ag in enumerate(self.agreements):
            for field, spans in ag.evidence.items():
                for s, e in spans:
                    if not (0 <= s <= e <= n):
                        problems.append(f"agreements[{i}].evidence[{field}] span {s}-{e} outside text of {n}")
        return problems


def json_schema() -> dict:
    """JSON Schema of a record, used to validate `extract --json` output."""
    return Record.model_json_schema(by_alias=True)
