"""Cases: opened by flags that need a person, worked by people, every act kept in an audit trail.

The system opens a case when such a flag opens (one per package and problem), reopens a resolved one
when the problem comes back, and notes each new flag of the problem. When the problem's flags all close
and nobody has touched the case, the system resolves it itself (``delivered`` or ``cleared``); a case a
person is working only gets a note: they decide. People move cases through the workflow
(``core.cases.MOVES``), assign them, set a due time and add notes, each act a ``case_events`` row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from parceltrail.core import Package, Status
from parceltrail.core.cases import (
    PROBLEM_OF,
    CaseMoveError,
    Outcome,
    Problem,
    State,
    check_move,
    due_of,
    next_action,
    problem_of,
)
from parceltrail.core.flags import Flag, FlagType
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.cases import CaseEvent, CaseFilter, StoredCase
from parceltrail.store.ids import new_id

SYSTEM = "parceltrail"


def _problems(flags: list[Flag]) -> dict[Problem, list[Flag]]:
    out: dict[Problem, list[Flag]] = {}
    for flag in flags:
        problem = problem_of(flag)
        if problem is not None:
            out.setdefault(problem, []).append(flag)
    return out


def sync_cases(uow: UnitOfWork, package: Package, current: list[Flag], closed: list[FlagType], now: datetime) -> None:
    """Inside an evaluation's transaction: open, escalate or settle this package's cases."""
    wanted = _problems(current)
    gone = {PROBLEM_OF[t] for t in closed if t in PROBLEM_OF}
    if not wanted and not gone:
        return
    cases = uow.cases.for_packages([package.id])
    shipped = package.created_at
    for problem, flags in wanted.items():
        case = cases.get((package.id, problem.value))
        action = next_action(problem, flags, package.carrier, shipped, package.state.last_event_at)
        words = "; ".join(f"{f.type.value}: {f.reason}" for f in flags)
        if case is None:
            made = StoredCase(new_id("case"), package.shop_id, package.id, problem.value, State.OPEN.value, None, None,
                              due_of(problem, flags, now), action, now, now, None)
            uow.cases.add(made)
            uow.cases.record(made.id, CaseEvent(now, SYSTEM, "opened", words, {"state": [None, "open"]}))
            continue
        if case.state == State.RESOLVED.value:
            reopened = replace(case, state=State.OPEN.value, outcome=None, resolved_at=None, next_action=action,
                               due_at=due_of(problem, flags, now), updated_at=now)
            uow.cases.save(reopened)
            uow.cases.record(case.id, CaseEvent(now, SYSTEM, "reopened", words,
                                                {"state": [case.state, "open"], "outcome": [case.outcome, None]}))
        elif action != case.next_action:
            uow.cases.save(replace(case, next_action=action, due_at=due_of(problem, flags, now), updated_at=now))
            uow.cases.record(case.id, CaseEvent(now, SYSTEM, "escalated", words,
                                                {"next_action": [case.next_action, action]}))
    for problem in gone - set(wanted):
        case = cases.get((package.id, problem.value))
        if case is None or case.state == State.RESOLVED.value:
            continue
        if case.state == State.OPEN.value:
            outcome = Outcome.DELIVERED if package.state.status is Status.DELIVERED else Outcome.CLEARED
            uow.cases.save(replace(case, state=State.RESOLVED.value, outcome=outcome.value, resolved_at=now,
                                   updated_at=now))
            uow.cases.record(case.id, CaseEvent(now, SYSTEM, "resolved", "the condition ended before anyone acted",
                                                {"state": [case.state, "resolved"], "outcome": [None, outcome.value]}))
        else:
            uow.cases.record(case.id, CaseEvent(now, SYSTEM, "note", "the flags behind this case have closed"))


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case: StoredCase
    trail: list[CaseEvent]


def get_case(uow: UnitOfWork, shop_id: str | None, case_id: str) -> CaseDetail:
    """A case and its trail; ``shop_id=None`` (operators at the command line) finds any shop's."""
    with uow.read():
        case = uow.cases.get(shop_id, case_id)
        if case is None:
            raise NotFound("case", case_id)
        return CaseDetail(case, uow.cases.trail(case_id))


def list_cases(uow: UnitOfWork, shop_id: str | None, where: CaseFilter, limit: int) -> list[StoredCase]:
    with uow.read():
        return uow.cases.page(shop_id, where, limit)


@dataclass(frozen=True, slots=True)
class CaseChange:
    """What a person changes on a case; ``None`` leaves a field as it is (``clear_*`` empties it)."""

    state: str | None = None
    outcome: str | None = None
    assignee: str | None = None
    clear_assignee: bool = False
    due_at: datetime | None = None
    note: str | None = None


def _parse(state: str | None, outcome: str | None) -> tuple[State | None, Outcome | None]:
    errors = []
    st = oc = None
    if state is not None:
        try:
            st = State(state)
        except ValueError:
            errors.append(FieldError("state", f"expected one of: {', '.join(State)}"))
    if outcome is not None:
        try:
            oc = Outcome(outcome)
        except ValueError:
            errors.append(FieldError("outcome", f"expected one of: {', '.join(Outcome)}"))
    if errors:
        raise InvalidInput("the case change is not valid", errors)
    return st, oc


def update_case(uow: UnitOfWork, shop_id: str | None, case_id: str, change: CaseChange, actor: str) -> CaseDetail:
    """Apply a person's change in one transaction and record it in the audit trail."""
    wanted, outcome = _parse(change.state, change.outcome)
    now = utcnow()
    with uow:
        case = uow.cases.get(shop_id, case_id)
        if case is None:
            raise NotFound("case", case_id)
        current = State(case.state)
        target = wanted or current
        try:
            check_move(current, target, outcome)
        except CaseMoveError as error:
            raise InvalidInput("the case cannot move that way", [FieldError("state", str(error))]) from None
        updated = replace(case, state=target.value, updated_at=now)
        if target is not current:
            updated = replace(updated, outcome=outcome.value if outcome else None,
                              resolved_at=now if target is State.RESOLVED else None)
        if change.assignee is not None or change.clear_assignee:
            updated = replace(updated, assignee=None if change.clear_assignee else change.assignee.strip() or None)
        if change.due_at is not None:
            updated = replace(updated, due_at=change.due_at)
        diff = {k: [getattr(case, k), getattr(updated, k)] for k in ("state", "outcome", "assignee", "due_at")
                if getattr(case, k) != getattr(updated, k)}
        if not diff and not change.note:
            raise InvalidInput("nothing to change", [FieldError("body", "give a state, outcome, assignee, due_at or note")])
        action = "resolved" if target is State.RESOLVED and current is not State.RESOLVED else \
            "reopened" if current is State.RESOLVED and target is State.OPEN else ("updated" if diff else "note")
        uow.cases.save(updated)
        uow.cases.record(case.id, CaseEvent(now, actor, action, change.note or "", diff))
        uow.commit()
    return get_case(uow, shop_id, case_id)


def open_case(uow: UnitOfWork, shop_id: str, package_id: str, note: str, actor: str) -> CaseDetail:
    """A case opened by hand on a package (problem ``other``), or the existing one with the note added."""
    now = utcnow()
    with uow:
        if uow.packages.get(shop_id, package_id) is None:
            raise NotFound("package", package_id)
        case = uow.cases.for_packages([package_id]).get((package_id, Problem.OTHER.value))
        if case is None:
            case = StoredCase(new_id("case"), shop_id, package_id, Problem.OTHER.value, State.OPEN.value, None, None,
                              None, next_action(Problem.OTHER, [], None, None, None), now, now, None)
            uow.cases.add(case)
            uow.cases.record(case.id, CaseEvent(now, actor, "opened", note, {"state": [None, "open"]}))
        else:
            uow.cases.record(case.id, CaseEvent(now, actor, "note", note))
        uow.commit()
    return get_case(uow, shop_id, case.id)
