"""Tracking pages and routes (included by ``create_app`` through ``EXTRA_ROUTERS``).

* ``GET  /agreements/{id}/tracking``          HTML: bodies, projects, milestones, meetings,
                                              provision status, coverage, chart, deadlines;
                                              with forms when the server runs with ``--token``
* ``GET  /api/agreements/{id}/tracking``      the same as JSON (``?today=YYYY-MM-DD``)
* ``GET  /api/agreements/{id}/report``        Markdown or HTML report (``?format=md|html``)
* ``GET  /api/deadlines.ics``                 every dated deadline as an RFC 5545 calendar
* ``POST /api/agreements/{id}/tracking/{entity}``  add a body/project/milestone/meeting/update
* ``POST /api/agreements/{id}/tracking/update``    dates, milestone done, project status

(``GET /api/deadlines`` is the web app's own route, computed by ``pactwatch.track``.)

Writes take JSON (``Authorization: Bearer TOKEN``) or an HTML form (a ``token`` field, since
a browser form cannot set headers; the secret token also makes a cross-site forged form
useless).  Both are compared in constant time.  Refused input answers 422 with every
problem (``meeting, field "date": not a date: "2026-13-01"``) and writes nothing.
"""

from __future__ import annotations

import hmac
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pactwatch.track import api as track
from pactwatch.track import report as track_report
from pactwatch.track.csvio import SPECS, Refused, to_date
from pactwatch.track.models import BODY_KINDS, PROJECT_STATUSES
from pactwatch.web import templating

router = APIRouter(include_in_schema=True, tags=["tracking"])
templating.add_template_dir(FsPath(__file__).resolve().parent.parent / "track" / "templates")

AgreementId = Annotated[int, Path(ge=1, le=2**31 - 1)]
TodayQ = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Evaluate as of this day")]
ENTITY_PATHS = {"bodies": "bodies", "projects": "projects", "milestones": "milestones", "meetings": "meetings",
                "updates": "updates"}
MAX_FORM_FIELDS = 200


def _store(request: Request):
    return request.app.state.store


def _today(value: str | None) -> date:
    try:
        return to_date(value) or track.today_utc()
    except ValueError:
        raise HTTPException(422, f"not a date: {value!r}") from None


def _authorized(request: Request, form_token: str | None) -> None:
    expected = request.app.state.token
    if not expected:
        raise HTTPException(403, "writes are disabled: start the server with --token")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        candidate = given.strip()
    else:
        candidate = form_token or ""
    # compare_digest: the time taken does not tell how much of the token matched.
    if not hmac.compare_digest(candidate.encode(), expected.encode()):
        raise HTTPException(401, "missing or invalid token", headers={"WWW-Authenticate": "Bearer"})


async def _payload(request: Request) -> tuple[dict, bool]:
    """(values, from_form): a JSON object, or the fields of an HTML form."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # RecursionError: hostile deeply nested JSON
            raise HTTPException(422, "body is not valid JSON") from None
        if not isinstance(body, dict):
            raise HTTPException(422, "body must be a JSON object")
        return body, False
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    values: dict = {}
    for k in form.keys():
        items = form.getlist(k)
        if any(not isinstance(v, str) for v in items):
            raise HTTPException(422, f"field {k!r} must be text")
        # Checkbox groups (provisions) arrive as repeated fields.
        values[k] = items if k == "provisions" else items[-1]
    return values, True


def _refused(exc: Refused, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": exc.errors[0], "detail": exc.errors}},
                        status_code=status)


def _page(request: Request, agreement_id: int, today: date, *, errors: list[str] | None = None,
          status_code: int = 200, done: str | None = None) -> HTMLResponse:
    try:
        tr = track.tracking(_store(request), agreement_id, today=today)
    except Refused:
        raise HTTPException(404, f"no agreement {agreement_id}") from None
    return templating.render(request, "tracking.html", {
        "tr": tr, "chart": track_report.domain_chart(tr["domains"]),
        "body_names": {b["id"]: b["name"] for b in tr["bodies"]}, "editable": bool(request.app.state.token),
        "errors": errors or [], "done": done, "body_kinds": BODY_KINDS, "project_statuses": PROJECT_STATUSES,
        "state_labels": {"not_started": "not started", "in_progress": "in progress", "done": "done",
                         "overdue": "overdue"},
        "pct": lambda s: "n/a" if s is None else f"{round(100 * s)} %",
    }, status_code=status_code)


# --------------------------------------------------------------------------- reading

@router.get("/agreements/{agreement_id}/tracking", response_class=HTMLResponse, include_in_schema=False)
def tracking_page(request: Request, agreement_id: AgreementId, today: TodayQ = None,
                  done: Annotated[str | None, Query(max_length=40)] = None):
    return _page(request, agreement_id, _today(today), done=done)


@router.get("/api/agreements/{agreement_id}/tracking", summary="Implementation tracking of one agreement")
def tracking_json(request: Request, agreement_id: AgreementId, today: TodayQ = None) -> dict:
    try:
        return track.tracking(_store(request), agreement_id, today=_today(today))
    except Refused:
        raise HTTPException(404, f"no agreement {agreement_id}") from None


@router.get("/api/agreements/{agreement_id}/report", summary="Implementation report (Markdown or HTML)")
def tracking_report(request: Request, agreement_id: AgreementId, today: TodayQ = None,
                    format: Annotated[Literal["md", "html"], Query()] = "md") -> Response:
    try:
        tr = track.tracking(_store(request), agreement_id, today=_today(today))
    except Refused:
        raise HTTPException(404, f"no agreement {agreement_id}") from None
    media = "text/html; charset=utf-8" if format == "html" else "text/markdown; charset=utf-8"
    return Response(track_report.render(tr, format), media_type=media)


@router.get("/api/deadlines.ics", summary="Deadlines as an iCalendar (RFC 5545) file")
def deadlines_ics(request: Request, today: TodayQ = None, overdue: bool = False,
                  agreement: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    body = track.ical(_store(request), today=_today(today), agreement_id=agreement, overdue=overdue)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="pactwatch-deadlines.ics"'})


# --------------------------------------------------------------------------- writing

def _clean(values: dict, entity: str | None) -> dict:
    """Only the columns of the entity (a form also carries the token and the button)."""
    allowed = {c.name for c in SPECS[entity]} if entity else set()
    return {k: (v if v != "" else None) for k, v in values.items() if k in allowed and k not in ("id", "agreement_id")}


@router.post("/api/agreements/{agreement_id}/tracking/update", summary="Record dates, a milestone reached, a status")
async def tracking_update(request: Request, agreement_id: AgreementId):
    values, from_form = await _payload(request)
    _authorized(request, values.get("token") if isinstance(values.get("token"), str) else None)

    def opt_int(k):
        v = values.get(k)
        if v in (None, ""):
            return None
        try:
            return int(v)
        except (TypeError, ValueError):
            raise Refused([f'update, field "{k}": not an integer: "{v}"']) from None

    def opt(k):
        v = values.get(k)
        return None if v in (None, "") else v

    try:
        did = track.update(_store(request), agreement_id, signed_date=opt("signed_date"),
                           in_force_date=opt("in_force_date"), project_id=opt_int("project_id"),
                           milestone_id=opt_int("milestone_id"), body_id=opt_int("body_id"), status=opt("status"),
                           done=opt("done"), met=opt("met"), note=opt("note"), on=opt("date"))
    except Refused as exc:
        if from_form:
            return _page(request, agreement_id, track.today_utc(), errors=exc.errors, status_code=422)
        return _refused(exc)
    if from_form:
        return RedirectResponse(f"/agreements/{agreement_id}/tracking?done=update", status_code=303)
    return {"updated": did}


@router.post("/api/agreements/{agreement_id}/tracking/{entity}", status_code=201,
             summary="Add a body, project, milestone, meeting or status update")
async def tracking_add(request: Request, agreement_id: AgreementId,
                       entity: Literal["bodies", "projects", "milestones", "meetings", "updates"]):
    values, from_form = await _payload(request)
    _authorized(request, values.get("token") if isinstance(values.get("token"), str) else None)
    row = {**_clean(values, entity), "agreement_id": agreement_id}
    try:
        created = track.add(_store(request), entity, row)
    except Refused as exc:
        if from_form:
            return _page(request, agreement_id, track.today_utc(), errors=exc.errors, status_code=422)
        return _refused(exc)
    if from_form:
        return RedirectResponse(f"/agreements/{agreement_id}/tracking?done={entity}", status_code=303)
    return JSONResponse(created, status_code=201)
