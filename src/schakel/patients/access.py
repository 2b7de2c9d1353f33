"""The single access decision for patient data.

A user sees a patient when one of their active roles has a care relation with the patient:

- GP (or POH) at the patient's GP practice;
- an active ``CareRelation`` (care team, case manager, treating specialist, MDO participant);
- or an active emergency access (break-the-glass) of the user.

and, for a care relation, the data may be shared with them: the patient consented to sharing,
or the user's role is at the organisation that recorded the patient. An objection stops sharing
at once. Emergency access passes the consent check and is marked as such in the access log.

The consent rule is one function (``_shared_grounds``), applied to one patient
(``get_patient_for_user``, which serves the patient and writes the access-log entry) and to a
user's whole caseload at once (``visible_to``: ids, grounds and role, once per request, from
which lists select and the sections of a page decide and log; ``visible_patients`` is the
same answer as a queryset). Outsiders get 404: no hint that the patient exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest

from schakel.accounts.models import User
from schakel.audit.actions import do_record_access, do_record_accesses
from schakel.audit.models import AccessEvent, Grounds, Outcome
from schakel.core.request_cache import cached, gathered
from schakel.directory.access import active_roles
from schakel.directory.actor import Actor
from schakel.directory.models import Function, OrganizationKind, PractitionerRole
from schakel.patients.models import CareRelation, EmergencyAccess, Patient, Sharing

GP_FUNCTIONS = (Function.GP, Function.POH_ONCOLOGY)
_WRITES = (AccessEvent.CREATE, AccessEvent.UPDATE, AccessEvent.DELETE)


@dataclass(frozen=True)
class PatientAccess:
    """A patient the user may see, through which role, on what grounds, and whether to write."""

    patient: Patient
    role: PractitionerRole
    grounds: Grounds
    can_write: bool

    def actor(self, request: HttpRequest) -> Actor:
        """Who writes through this access, for an action; refused (403, logged as denied)
        when it is read-only (e.g. emergency access)."""
        if not self.can_write or not isinstance(request.user, User):
            do_record_access(
                event=AccessEvent.UPDATE,
                outcome=Outcome.DENIED,
                user=request.user if isinstance(request.user, User) else None,
                request=request,
                role=str(self.role.function_label),
                organisation=self.role.organization.name,
                patient_id=self.patient.pk,
                object_type="Patient",
                object_id=self.patient.pk,
                grounds=self.grounds,
                detail="write refused: read-only access",
            )
            raise PermissionDenied
        return Actor(request.user, self.role, request, self.grounds)


def _practice_roles(roles: Sequence[PractitionerRole]) -> dict[int, PractitionerRole]:
    """The user's GP (or POH) role at each of their GP practices, by practice: a patient of
    the practice is seen through it."""
    found: dict[int, PractitionerRole] = {}
    for role in roles:
        if role.function in GP_FUNCTIONS and role.organization.kind == OrganizationKind.GP_PRACTICE:
            found.setdefault(role.organization_id, role)
    return found


def visible_patients(user: User | AnonymousUser) -> QuerySet[Patient]:
    """The patients ``user`` may see (``visible_to``), annotated with the grounds of each.

    Put together once per request (a page of several sections asks it often); each caller
    gets its own copy.
    """
    if not isinstance(user, User):
        return Patient.objects.none()

    def build() -> QuerySet[Patient]:
        visible = visible_to(user)
        by_grounds: dict[Grounds, list[int]] = {}
        for patient in visible.values():
            by_grounds.setdefault(patient.grounds, []).append(patient.pk)
        if not by_grounds:
            # Nobody, with the same columns as an answer with patients, so every caller can
            # ask for the grounds whoever the user is.
            return Patient.objects.none().annotate(
                access_grounds=Value("", output_field=CharField())
            )
        # The most common grounds need no list of their own: the statement stays short.
        common = max(by_grounds, key=lambda grounds: len(by_grounds[grounds]))
        others = [When(pk__in=ids, then=Value(g)) for g, ids in by_grounds.items() if g != common]
        return Patient.objects.filter(pk__in=list(visible)).annotate(
            access_grounds=Case(*others, default=Value(common), output_field=CharField())
        )

    return cached(("visible_patients", user.pk), build).all()


@dataclass(frozen=True)
class Visible:
    """A patient the user may see, as a list names them: enough to decide and to log."""

    pk: int
    grounds: Grounds
    # The user's role through which they see the patient (the access log names it): GP at the
    # patient's practice, a care relation, or the emergency access.
    role_id: int


def visible_to(user: User | AnonymousUser) -> dict[int, Visible]:
    """The patients ``user`` may see, by id, with their grounds and role: one query per
    request.

    The query finds the candidates through indexes (care relations of the user's roles,
    patients of their GP practice, their emergency accesses), each with the patient's sharing
    and the organisation that recorded them; the consent rule is then applied to those rows
    (``_shared_grounds``, the same function that decides for one patient). Checking the rule
    against every patient in the country instead would grow with the region.

    Lists of tasks, signals, questions and pathways take the ids as values, and the sections
    of a page decide and log the patients they name from this one answer: compiling the
    access rules into each statement, and asking them again per section for the log, cost
    Django more than PostgreSQL spent running them ("Vandaag": ten sections). It holds the
    user's caseload, never the region. Forgotten with the rest of the request's answers
    after a write.
    """
    if not isinstance(user, User):
        return {}
    return cached(("visible_to", user.pk), lambda: _decide_caseload(user))


def visible_patient_ids(user: User | AnonymousUser) -> list[int]:
    """The ids of the patients ``user`` may see (``visible_to``), in order: the same
    statement text on every request, so a prepared plan is reused."""
    return list(visible_to(user))


# Where a candidate comes from, in the order ``_decide`` prefers them for the role.
_PRACTICE, _RELATION, _EMERGENCY = 0, 1, 2


def _ways_in(rows: QuerySet, source: int, patient: str, role: str) -> QuerySet:
    """One row per way in: (patient, sharing, recorder, role, source, order). ``patient`` is
    the path to the patient ("" for the patient itself), ``role`` the column naming the role
    (for the practice: the practice, whose role follows from it); the order is the row's id,
    as ``_decide`` takes the first relation or access."""
    return rows.order_by().values_list(  # a compound statement takes no ordering in its parts
        f"{patient}pk",
        f"{patient}sharing",
        f"{patient}recorded_by_id",
        role,
        Value(source, output_field=IntegerField()),
        "pk",
    )


def _decide_caseload(user: User) -> dict[int, Visible]:
    roles = active_roles(user)
    if not roles:
        return {}
    organization_ids = {role.organization_id for role in roles}
    practices = _practice_roles(roles)
    relations = CareRelation.objects.active().filter(role_id__in=[role.pk for role in roles])
    patients = Patient.objects.filter(gp_practice_id__in=list(practices))
    emergencies = EmergencyAccess.objects.active().filter(user=user)
    rows = _ways_in(relations, _RELATION, "patient__", "role_id").union(
        _ways_in(patients, _PRACTICE, "", "gp_practice_id"),
        _ways_in(emergencies, _EMERGENCY, "patient__", "role_id"),
        all=True,
    )
    ways: dict[int, list[tuple[int, int, int]]] = {}
    consent: dict[int, Grounds | None] = {}
    for patient_id, sharing, recorded_by_id, role_id, source, order in rows:
        if source == _PRACTICE:
            role_id = practices[role_id].pk
        ways.setdefault(patient_id, []).append((source, order, role_id))
        consent[patient_id] = _shared_grounds(sharing, recorded_by_id, organization_ids)
    visible = {}
    for patient_id in sorted(ways):  # in id order: see visible_patient_ids
        routes = sorted(ways[patient_id])
        regular = next((role for source, _o, role in routes if source != _EMERGENCY), None)
        emergency = next((role for source, _o, role in routes if source == _EMERGENCY), None)
        grounds = consent[patient_id]
        if regular is not None and grounds is not None:
            visible[patient_id] = Visible(patient_id, grounds, regular)
        elif emergency is not None:
            visible[patient_id] = Visible(patient_id, Grounds.EMERGENCY, emergency)
    return visible


def _shared_grounds(
    sharing: str, recorded_by_id: int | None, organization_ids: set[int]
) -> Grounds | None:
    """The consent rule, for a user with a care relation with the patient: data recorded at
    one of the user's organisations may be seen there; elsewhere only if the patient
    consented to sharing (an objection stops it at once). None: not shared with this user."""
    if recorded_by_id in organization_ids:
        return Grounds.CARE_RELATION
    if sharing == Sharing.PERMITTED:
        return Grounds.CONSENT
    return None


def _decide(user: User, patient: Patient) -> PatientAccess | None:
    """Which role gives access to this one patient, and on what grounds (None: no access)."""
    roles = active_roles(user)
    if not roles:  # who no longer works anywhere sees nobody, emergency access or not
        return None
    organization_ids = {role.organization_id for role in roles}
    grounds = _shared_grounds(patient.sharing, patient.recorded_by_id, organization_ids)
    if grounds is not None:
        practice = patient.gp_practice_id
        gp_role = _practice_roles(roles).get(practice) if practice is not None else None
        if gp_role is not None:
            return PatientAccess(patient, gp_role, grounds, can_write=True)
        relation = (
            CareRelation.objects.active()
            .filter(patient=patient, role__in=roles)
            .select_related("role__organization", "role__practitioner")
            .order_by("pk")  # the first recorded, as the caseload (``visible_to``) takes it
            .first()
        )
        if relation is not None:
            return PatientAccess(patient, relation.role, grounds, can_write=True)
    emergency = (
        EmergencyAccess.objects.active()
        .filter(patient=patient, user=user)
        .select_related("role__organization", "role__practitioner")
        .order_by("pk")
        .first()
    )
    if emergency is not None:
        return PatientAccess(patient, emergency.role, Grounds.EMERGENCY, can_write=False)
    return None


def _describe(role: PractitionerRole) -> tuple[str, str]:
    return str(role.function_label), role.organization.name


def get_patient_for_user(
    request: HttpRequest, pk: int | str, *, event: AccessEvent = AccessEvent.READ
) -> PatientAccess:
    """The patient, if ``request.user`` may see it; logs the access. 404 otherwise.

    A refused attempt is logged too (outcome denied), without telling the user anything.
    """
    user = request.user
    if not isinstance(user, User):
        raise Http404
    try:
        patient = Patient.objects.select_related("recorded_by", "gp_practice").get(pk=int(pk))
    except (Patient.DoesNotExist, ValueError):
        raise Http404 from None
    access = _decide(user, patient)
    if access is None:
        do_record_access(
            event=event,
            outcome=Outcome.DENIED,
            user=user,
            request=request,
            patient_id=patient.pk,
            object_type="Patient",
            object_id=patient.pk,
        )
        raise Http404
    role, organisation = _describe(access.role)
    # Opening the patient for a write is a read; the write itself is logged by its action,
    # with the real outcome, so an invalid form or a refused write is never a logged success.
    do_record_access(
        event=AccessEvent.READ if event in _WRITES else event,
        outcome=Outcome.SUCCESS,
        user=user,
        request=request,
        role=role,
        organisation=organisation,
        patient_id=patient.pk,
        object_type="Patient",
        object_id=patient.pk,
        grounds=access.grounds,
    )
    return access


def log_patients_listed(
    request: HttpRequest, patients: Sequence[Patient], *, event: AccessEvent = AccessEvent.READ
) -> None:
    """Log that a list or search showed these patients: one entry per patient (NEN 7513).

    ``patients`` come from ``visible_patients``."""
    visible = visible_to(request.user)
    _log_visible(request, [visible[p.pk] for p in patients if p.pk in visible], event)


def _log_visible(request: HttpRequest, patients: Sequence[Visible], event: AccessEvent) -> None:
    user = request.user
    if not isinstance(user, User) or not patients:
        return
    roles = {role.pk: role for role in active_roles(user)}
    # An emergency access names the role it was opened with, which may have ended since.
    ended = {p.role_id for p in patients} - roles.keys()
    if ended:
        roles.update(PractitionerRole.objects.select_related("organization").in_bulk(ended))
    entries = []
    for patient in patients:
        role, organisation = _describe(roles[patient.role_id])
        entries.append((patient.pk, patient.grounds, role, organisation))
    do_record_accesses(
        event=event, user=user, request=request, object_type="Patient", patients=entries
    )


def log_patients_shown(
    request: HttpRequest, patient_ids: Iterable[int], *, event: AccessEvent = AccessEvent.READ
) -> set[int]:
    """Of these patients (about to be shown on a page), log those the user may see, each with
    its own grounds, and return their ids: the page shows only those.

    A page shows a patient once, whatever the number of its sections that name them: the
    decision and the log entry are made once per request and event, from one answer to
    "whom may this user see" (``visible_to``), so what is shown is what is logged."""
    wanted = set(patient_ids)
    decided: dict[int, bool] = cached(("patients_shown", request.user.pk, event), dict)
    new = wanted - decided.keys()
    if new:
        visible = visible_to(request.user)
        _log_at_response(request, [visible[pk] for pk in sorted(new) if pk in visible], event)
        decided.update((pk, pk in visible) for pk in new)
    return {pk for pk in wanted if decided[pk]}


def _log_at_response(request: HttpRequest, patients: list[Visible], event: AccessEvent) -> None:
    """Log these patients as listed, together with the others this request's sections list:
    one lookup of the roles and one insert when the view has answered, not one per section.
    (Outside a request, at once.)"""

    def finish(gathered_patients: list[Visible]) -> None:
        once = {patient.pk: patient for patient in gathered_patients}  # a patient once
        _log_visible(request, list(once.values()), event)

    pending = gathered(("patients_listed", event), list, finish)
    if pending is None:
        _log_visible(request, patients, event)
    else:
        pending.extend(patients)


def users_who_may_see(patient: Patient, user_ids: Iterable[int]) -> set[int]:
    """Of these users, those who may see ``patient`` through one of their roles (not through
    an emergency access): who may be told about it. Two queries, whatever the number."""
    ids = set(user_ids)
    if not ids:
        return set()
    roles = list(
        PractitionerRole.objects.active()
        .filter(practitioner__user_id__in=ids)
        .select_related("organization", "practitioner")
    )
    related = set(
        CareRelation.objects.active()
        .filter(patient=patient, role__in=roles)
        .values_list("role_id", flat=True)
    )
    allowed = set()
    for role in roles:
        shared = (
            patient.sharing == Sharing.PERMITTED or role.organization_id == patient.recorded_by_id
        )
        gp = (
            role.function in GP_FUNCTIONS
            and role.organization_id == patient.gp_practice_id
            and role.organization.kind == OrganizationKind.GP_PRACTICE
        )
        if shared and (gp or role.pk in related) and role.practitioner.user_id is not None:
            allowed.add(role.practitioner.user_id)
    return allowed


def role_sees_patient(role: str, patient: str) -> Q:
    """As a condition in SQL: the role at path ``role`` may see the patient at path
    ``patient`` (care relation or GP practice, and the consent rule). For set-based writes
    such as the notification fan-out; it mirrors ``users_who_may_see`` for one role."""
    gp = Q(
        **{
            f"{role}__function__in": GP_FUNCTIONS,
            f"{role}__organization__kind": OrganizationKind.GP_PRACTICE,
            f"{role}__organization_id": F(f"{patient}__gp_practice_id"),
        }
    )
    related = Exists(
        CareRelation.objects.active().filter(
            role_id=OuterRef(f"{role}_id"), patient_id=OuterRef(f"{patient}_id")
        )
    )
    shared = Q(**{f"{patient}__sharing": Sharing.PERMITTED}) | Q(
        **{f"{patient}__recorded_by_id": F(f"{role}__organization_id")}
    )
    active = Q(**{f"{role}__is_active": True, f"{role}__organization__is_active": True})
    return active & (gp | related) & shared
