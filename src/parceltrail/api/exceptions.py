"""Routes under /v1/exceptions (flags) and /v1/cases (the work they ask for)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.core.cases import Outcome, Problem, State
from parceltrail.core.flags import FlagType, Severity
from parceltrail.services import InvalidInput
from parceltrail.services.cases import CaseChange, CaseDetail, get_case, list_cases, open_case, update_case
from parceltrail.services.errors import FieldError
from parceltrail.services.exception_list import FlagQuery, FlagRow, flag_detail, list_flags
from parceltrail.store.cases import CaseEvent, CaseFilter, StoredCase

router = APIRouter(tags=["exceptions"])


class FlagChangeOut(BaseModel):
    at: datetime
    change: str
    severity: str
    reason: str


class FlagOut(BaseModel):
    id: str
    package_id: str
    tracking_number: str | None
    carrier: str | None
    type: FlagType
    severity: Severity
    reason: str
    since: datetime
    due: datetime | None
    opened_at: datetime
    closed_at: datetime | None
    retracted: bool
    case_id: str | None
    ship_by: datetime | None
    deliver_by: datetime | None

    @classmethod
    def of(cls, row: FlagRow) -> FlagOut:
        f = row.flag
        return cls(id=f.id, package_id=f.package_id, tracking_number=row.tracking_number, carrier=row.carrier,
                   type=FlagType(f.type), severity=Severity(f.severity), reason=f.reason, since=f.since, due=f.due,
                   opened_at=f.opened_at, closed_at=f.closed_at, retracted=f.retracted, case_id=row.case_id,
                   ship_by=row.ship_by, deliver_by=row.deliver_by)


class FlagDetailOut(FlagOut):
    history: list[FlagChangeOut]


class FlagPageOut(BaseModel):
    items: list[FlagOut]
    next_cursor: str | None


def _limit(limit: int, settings: AppSettings) -> int:
    if limit > settings.page_size_max:
        raise InvalidInput("limit is too large", [FieldError("limit", f"expected 1 to {settings.page_size_max}")])
    return limit


@router.get("/v1/exceptions", response_model=FlagPageOut)
def get_exceptions(
    shop_id: ShopId, uow: Uow, settings: AppSettings,
    type: Annotated[list[FlagType] | None, Query(description="Only these types (repeat the parameter)")] = None,
    severity: Annotated[list[Severity] | None, Query(description="Only these severities")] = None,
    state: Annotated[str, Query(pattern="^(open|closed|all)$", description="open (default), closed or all")] = "open",
    carrier: str | None = None,
    ship_by_before: Annotated[AwareDatetime | None, Query(description="Only parcels whose order must ship before")] = None,
    deliver_by_before: Annotated[AwareDatetime | None, Query(description="Only parcels due to arrive before")] = None,
    package_id: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> FlagPageOut:
    """The shop's flags, oldest first: what needs attention, why, since when and by when."""
    query = FlagQuery(state=state, types=tuple(t.value for t in type or ()),
                      severities=tuple(s.value for s in severity or ()), carrier=carrier,
                      ship_by_before=ship_by_before, deliver_by_before=deliver_by_before, package_id=package_id)
    page = list_flags(uow, shop_id, query, cursor, _limit(limit, settings))
    return FlagPageOut(items=[FlagOut.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/v1/exceptions/{flag_id}", response_model=FlagDetailOut)
def get_exception(flag_id: str, shop_id: ShopId, uow: Uow) -> FlagDetailOut:
    """One flag with every change it went through (opened, updated, closed or retracted)."""
    row, history = flag_detail(uow, shop_id, flag_id)
    return FlagDetailOut(**FlagOut.of(row).model_dump(),
                         history=[FlagChangeOut(at=c.at, change=c.change, severity=c.severity, reason=c.reason)
                                  for c in history])


class CaseEventOut(BaseModel):
    at: datetime
    actor: str
    action: str
    note: str
    changes: dict

    @classmethod
    def of(cls, e: CaseEvent) -> CaseEventOut:
        return cls(at=e.at, actor=e.actor, action=e.action, note=e.note, changes=e.changes)


class CaseOut(BaseModel):
    id: str
    package_id: str
    problem: Problem
    state: State
    outcome: Outcome | None
    assignee: str | None
    due_at: datetime | None
    next_action: str
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, c: StoredCase) -> CaseOut:
        return cls(id=c.id, package_id=c.package_id, problem=Problem(c.problem), state=State(c.state),
                   outcome=Outcome(c.outcome) if c.outcome else None, assignee=c.assignee, due_at=c.due_at,
                   next_action=c.next_action, opened_at=c.opened_at, updated_at=c.updated_at,
                   resolved_at=c.resolved_at)


class CaseDetailOut(CaseOut):
    trail: list[CaseEventOut]

    @classmethod
    def of_detail(cls, d: CaseDetail) -> CaseDetailOut:
        return cls(**CaseOut.of(d.case).model_dump(), trail=[CaseEventOut.of(e) for e in d.trail])


class CasePageOut(BaseModel):
    items: list[CaseOut]
    next_cursor: str | None


class CaseBody(BaseModel):
    """A change to a case: any of the fields; ``actor`` says who (recorded in the audit trail)."""

    model_config = ConfigDict(extra="forbid")
    state: State | None = None
    outcome: Outcome | None = None
    assignee: str | None = Field(None, max_length=200, description="'' unassigns")
    due_at: AwareDatetime | None = None
    note: str | None = Field(None, max_length=4000)
    actor: str | None = Field(None, max_length=200)


class NewCaseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    package_id: str = Field(max_length=32)
    note: str = Field(min_length=1, max_length=4000)
    actor: str | None = Field(None, max_length=200)


@router.get("/v1/cases", response_model=CasePageOut)
def get_cases(
    shop_id: ShopId, uow: Uow, settings: AppSettings,
    state: Annotated[list[State] | None, Query()] = None,
    problem: Annotated[list[Problem] | None, Query()] = None,
    assignee: str | None = None,
    package_id: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> CasePageOut:
    """The shop's cases, oldest first; by default those still being worked."""
    from parceltrail.services import cursors

    states = tuple(s.value for s in state) if state else tuple(s.value for s in State if s is not State.RESOLVED)
    where = CaseFilter(states=states, problems=tuple(p.value for p in problem or ()), assignee=assignee,
                       package_id=package_id, after_id=cursors.decode_id(cursor, "case_") if cursor else None)
    size = _limit(limit, settings)
    rows = list_cases(uow, shop_id, where, size + 1)
    more = len(rows) > size
    return CasePageOut(items=[CaseOut.of(c) for c in rows[:size]],
                       next_cursor=cursors.encode(rows[size - 1].id) if more else None)


@router.post("/v1/cases", response_model=CaseDetailOut, status_code=201)
def post_case(body: NewCaseBody, shop_id: ShopId, uow: Uow) -> CaseDetailOut:
    """Open a case by hand on a package (a buyer wrote in); an open one gets the note instead."""
    return CaseDetailOut.of_detail(open_case(uow, shop_id, body.package_id, body.note, body.actor or "api"))


@router.get("/v1/cases/{case_id}", response_model=CaseDetailOut)
def get_one_case(case_id: str, shop_id: ShopId, uow: Uow) -> CaseDetailOut:
    """A case with its audit trail, oldest first."""
    return CaseDetailOut.of_detail(get_case(uow, shop_id, case_id))


@router.patch("/v1/cases/{case_id}", response_model=CaseDetailOut)
def patch_case(case_id: str, body: CaseBody, shop_id: ShopId, uow: Uow) -> CaseDetailOut:
    """Move a case (open → acknowledged → waiting on carrier / buyer → resolved with an outcome), assign it,
    set its due time or add a note; each call is one entry in the audit trail."""
    change = CaseChange(state=body.state.value if body.state else None,
                        outcome=body.outcome.value if body.outcome else None,
                        assignee=body.assignee if body.assignee else None,
                        clear_assignee=body.assignee == "", due_at=body.due_at, note=body.note)
    return CaseDetailOut.of_detail(update_case(uow, shop_id, case_id, change, body.actor or "api"))
