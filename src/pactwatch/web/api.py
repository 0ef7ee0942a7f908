"""JSON REST API under /api: a thin HTTP layer over ``pactwatch.store.Store``.

Routes are plain ``def`` functions: the Store is synchronous (SQLAlchemy), so FastAPI runs
them in its thread pool and one slow query never blocks the event loop.  Every parameter
is validated by its declared type and constraints (bad input -> 422 JSON); unknown ids
-> 404 JSON; the app-level handlers keep stack traces out of responses.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field, field_validator, model_validator

from pactwatch.record import DOMAINS, KINDS, STATUSES
from pactwatch.web import data
from pactwatch.web.app import check_token

router = APIRouter(prefix="/api", tags=["api"])

# YYYY, YYYY-MM or YYYY-MM-DD with a real month and day number (partial dates keep their precision).
DATE_RE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
# No NUL in any text parameter: PostgreSQL text cannot hold it (the query would fail as a
# server error); it never occurs in a real query, so it is a client error.
TEXT_RE = r"^[^\x00]*$"
# Agreement ids are INTEGER columns (32-bit on PostgreSQL): a larger id is a bad request,
# not a database error.
MAX_ID = 2**31 - 1
DomainT = Literal[DOMAINS]  # type: ignore[valid-type]
KindT = Literal[KINDS]  # type: ignore[valid-type]
StatusT = Literal[STATUSES]  # type: ignore[valid-type]
# Party codes are ISO alpha-3 or short organisation/movement names; 64 chars is generous.
PartyQ = Annotated[str | None, Query(max_length=64, pattern=TEXT_RE,
                                     description="Party code (USA, ARM, EU, NATO, Taliban...)")]
Q = Annotated[str | None, Query(max_length=500, pattern=TEXT_RE,
                                description="Full-text query over names and source texts")]


def store(request: Request):
    return request.app.state.store


class ErrorBody(BaseModel):
    status: int
    message: str
    detail: list | None = None


class Error(BaseModel):
    error: ErrorBody


ERRORS = {404: {"model": Error, "description": "Unknown id"}, 422: {"model": Error, "description": "Invalid parameters"}}


class Filters(BaseModel):
    """The agreement filters shared by the listing, the timeline and the network."""

    q: str | None = Field(None, max_length=500)
    party: str | None = Field(None, max_length=64)
    with_party: str | None = Field(None, max_length=64)
    domain: DomainT | None = None
    kind: KindT | None = None
    status: StatusT | None = None
    since: str | None = Field(None, pattern=DATE_RE)
    until: str | None = Field(None, pattern=DATE_RE)


def check_range(since: str | None, until: str | None) -> None:
    """since after until is a client error (the Store refuses it), not an empty result."""
    if since and until:
        # Partial dates cover their whole period: until "2021" runs to 2021-12-31.
        end = until + {4: "-12-31", 7: "-31"}.get(len(until), "")
        if since > end:
            raise HTTPException(422, f"since ({since}) is after until ({until})")


def filters(
    q: Q = None,
    party: PartyQ = None,
    with_party: Annotated[str | None, Query(max_length=64, pattern=TEXT_RE, description="Second party: agreements between party and with_party")] = None,
    domain: Annotated[DomainT | None, Query()] = None,
    kind: Annotated[KindT | None, Query()] = None,
    status: Annotated[StatusT | None, Query()] = None,
    since: Annotated[str | None, Query(pattern=DATE_RE, description="Signed on/after (YYYY[-MM[-DD]])")] = None,
    until: Annotated[str | None, Query(pattern=DATE_RE, description="Signed on/before (YYYY[-MM[-DD]])")] = None,
    year: Annotated[int | None, Query(ge=1, le=9999, description="Signed in this year (shorthand for since/until)")] = None,
) -> Filters:
    if year is not None:
        since = since or f"{year:04d}"
        until = until or f"{year:04d}"
    check_range(since, until)
    return Filters(q=q or None, party=party or None, with_party=with_party or None, domain=domain, kind=kind,
                   status=status, since=since, until=until)


@router.get("/agreements", summary="Search and filter agreements (with facet counts)")
def list_agreements(
    request: Request,
    f: Annotated[Filters, Depends(filters)],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict:
    page = data.search(store(request), f.model_dump(), limit=limit, offset=offset)
    return page


@router.get("/agreements/{agreement_id}", summary="One agreement: merged values, evidence, sources, conflicts",
            responses=ERRORS)
def get_agreement(request: Request, agreement_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict:
    ag = data.agreement(store(request), agreement_id)
    if ag is None:
        raise HTTPException(404, f"no agreement {agreement_id}")
    return ag


@router.get("/agreements/{agreement_id}/sources", summary="Documents reporting an agreement", responses=ERRORS)
def get_sources(request: Request, agreement_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> list:
    if data.agreement(store(request), agreement_id) is None:
        raise HTTPException(404, f"no agreement {agreement_id}")
    return data.sources(store(request), agreement_id)


def parse_ids(raw: list[str]) -> list[int]:
    """``ids=1,2`` and ``ids=1&ids=2`` both work (forms send the second, people type the first)."""
    out: list[int] = []
    for part in raw:
        for tok in str(part).split(","):
            tok = tok.strip()
            if not tok:
                continue
            if not tok.isdigit() or len(tok) > 10 or not 1 <= int(tok) <= MAX_ID:
                raise HTTPException(422, f"not an agreement id: {tok[:40]!r}")
            v = int(tok)
            if v not in out:
                out.append(v)
    return out


@router.get("/compare", summary="Side-by-side comparison of two or more agreements", responses=ERRORS)
def compare(request: Request,
            ids: Annotated[list[str], Query(min_length=1, max_length=20, description="Agreement ids: ids=1,2 or ids=1&ids=2")]) -> dict:
    id_list = parse_ids(ids)
    if len(id_list) < 2:
        raise HTTPException(422, "give at least two agreement ids")
    if len(id_list) > 12:
        raise HTTPException(422, "compare at most 12 agreements at once")
    result = data.compare(store(request), id_list)
    if result["missing"]:
        raise HTTPException(404, "no agreement " + ", ".join(str(i) for i in result["missing"]))
    return {"agreements": result["agreements"], "matrix": result["matrix"]}


@router.get("/timeline", summary="Agreements over time: signings per year, the `limit` most recent signings and due dates")
def timeline(request: Request, f: Annotated[Filters, Depends(filters)],
             limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> dict:
    return data.timeline(store(request), f.model_dump(), limit=limit)


@router.get("/network", summary="Parties as nodes, agreements as edges (count and domains per pair)")
def network(request: Request, f: Annotated[Filters, Depends(filters)],
            min_count: Annotated[int, Query(ge=1, le=100000)] = 1,
            max_nodes: Annotated[int, Query(ge=2, le=500)] = 80) -> dict:
    return data.network(store(request), f.model_dump(), min_count=min_count, max_nodes=max_nodes)


@router.get("/documents/{doc_id:path}", summary="One source document: text, removed furniture, extracted spans",
            responses=ERRORS)
def get_document(request: Request, doc_id: Annotated[str, Path(min_length=1, max_length=512, pattern=TEXT_RE)]) -> dict:
    doc = data.document(store(request), doc_id)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id[:100]}")
    return doc


@router.get("/search", summary="Full-text search over source documents (with snippets)")
def search_documents(request: Request, q: Annotated[str, Query(min_length=1, max_length=500, pattern=TEXT_RE)],
                     limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict:
    return {"q": q, "items": data.search_documents(store(request), q, limit=limit)}


@router.get("/deadlines", summary="Upcoming and overdue due dates and meetings")
def deadlines(request: Request,
              party: PartyQ = None,
              state: Annotated[Literal["overdue", "open", "pending", "met"] | None, Query()] = None,
              limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> dict:
    from pactwatch.web.deadlines import deadlines as compute

    items = compute(store(request), party=party, limit=limit)
    if state:
        items = [d for d in items if d["state"] == state]
    return {"items": items}


@router.get("/stats", summary="Database totals")
def stats(request: Request) -> dict:
    return data.stats(store(request))


class DocumentIn(BaseModel):
    """One document to extract and store: plain ``text`` or ``html`` (exactly one)."""

    text: str | None = Field(None, max_length=5_000_000)
    html: str | None = Field(None, max_length=5_000_000)
    published: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    source: str | None = Field(None, max_length=2048, pattern=TEXT_RE)
    title: str | None = Field(None, max_length=2048, pattern=TEXT_RE)
    id: str | None = Field(None, min_length=1, max_length=512, pattern=r"^[^\x00-\x1f]+$")

    @field_validator("text", "html", "published", "source", "title", "id")
    @classmethod
    def _encodable(cls, v):
        # JSON may carry lone surrogates ("\\ud800") that no database can store as text.
        if v is not None:
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError("text is not valid Unicode (lone surrogate)") from exc
        return v

    @model_validator(mode="after")
    def _one_body(self):
        if bool(self.text and self.text.strip()) == bool(self.html and self.html.strip()):
            raise ValueError("give exactly one of 'text' or 'html', not empty")
        return self


@router.post("/documents", summary="Extract and store one document (needs the bearer token)", status_code=201,
             responses={401: {"model": Error, "description": "Missing or invalid token"},
                        403: {"model": Error, "description": "Server started without --token"},
                        413: {"model": Error, "description": "Body over 5 MB"},
                        422: {"model": Error, "description": "Invalid document"},
                        503: {"model": Error, "description": "Extraction timed out or server busy"}},
             dependencies=[Depends(check_token)])
def post_document(request: Request, doc: DocumentIn) -> dict:
    try:
        return data.ingest_one(store(request), doc.model_dump())
    except data.UnprocessableDocument as exc:
        raise HTTPException(422, f"document refused: {exc}") from exc
    except data.ExtractionUnavailable as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "30"}) from exc
