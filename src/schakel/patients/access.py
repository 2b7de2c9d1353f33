"""The single access decision for patient data.

A user sees a patient when one of their active roles has a care relation with the patient:

- GP (or POH) at the patient's GP practice;
- an active ``CareRelation`` (care team, case manager, treating specialist, MDO participant);
- or an active emergency access (break-the-glass) of the user.

and, for a care relation, the data may be shared with them: the patient consented to sharing,
or the user's role is at the organisation that recorded the patient. An objection stops sharing
at once. Emergency access passes the consent check and is marked as such in the access log.

``visible_patients`` filters in the database (lists); ``visible_to`` is its answer once per
request (ids and grounds), from which the sections of a page decide and log;
``get_patient_for_user`` serves one patient and writes the access-log entry. Outsiders get
404: no hint that the patient exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
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


def _gp_practice_ids(roles: Sequence[PractitionerRole]) -> list[int]:
    return [
        role.organization_id
        for role in roles
        if role.function in GP_FUNCTIONS and role.organization.kind == OrganizationKind.GP_PRACTICE
    ]


def visible_patients(user: User | AnonymousUser) -> QuerySet[Patient]:
    """The patients ``user`` may see, annotated with the grounds of each.

    Two queries, whatever the size of the region: first the candidates through indexes (care
    relations of the user's roles, patients of their GP practice, their emergency accesses),
    then those candidates with the consent rule applied. Checking the rule against every
    patient in the country instead would grow with the region.

    The query is put together once per request (a page of several sections asks it often,
    and building it costs more than running it); each caller gets its own copy.
    """
    if not isinstance(user, User):
        return Patient.objects.none()
    return cached(("visible_patients", user.pk), lambda: _visible_patients(user)).all()


@dataclass(frozen=True)
class Visible:
    """A patient the user may see, as a list names them: enough to decide and to log."""

    pk: int
    gp_practice_id: int | None
    grounds: Grounds


def visible_to(user: User | AnonymousUser) -> dict[int, Visible]:
    """The patients ``user`` may see, by id, with their grounds: one query per request.

    Lists of tasks, signals, questions and pathways take the ids as values, and the sections
    of a page decide and log the patients they name from this one answer: compiling the
    access rules into each statement as a subquery, and asking them again per section for
    the log, cost Django more than PostgreSQL spent running them ("Vandaag": ten sections).
    It holds no more than the candidates ``_visible_patients`` starts from: the user's
    caseload, never the region.
    Forgotten with the rest of the request's answers after a write.
    """
    if not isinstance(user, User):
        return {}

    def build() -> dict[int, Visible]:
        rows = (
            visible_patients(user)
            .order_by("pk")
            .values_list("pk", "gp_practice_id", "access_grounds")  # type: ignore[misc]
        )
        return {pk: Visible(pk, practice, Grounds(grounds)) for pk, practice, grounds in rows}

    return cached(("visible_to", user.pk), build)


def visible_patient_ids(user: User | AnonymousUser) -> list[int]:
    """The ids of the patients ``user`` may see (``visible_to``), in order: the same
    statement text on every request, so a prepared plan is reused."""
    return list(visible_to(user))


def _visible_patients(user: User) -> QuerySet[Patient]:
    roles = active_roles(user)
    if not roles:
        # Nobody, with the same columns as an answer with patients, so every caller can ask
        # for the grounds whoever the user is.
        return Patient.objects.none().annotate(access_grounds=Value("", output_field=CharField()))
    role_ids = [role.pk for role in roles]
    organization_ids = {role.organization_id for role in roles}
    practice_ids = _gp_practice_ids(roles)
    related = CareRelation.objects.active().filter(role_id__in=role_ids)
    emergencies = EmergencyAccess.objects.active().filter(user=user)
    # order_by(): a compound statement takes no ordering in its parts. Once per request: the
    # second query below checks the rules against the live rows, so a candidate list from
    # earlier in the request can only show less, never more.
    candidates = cached(
        ("visible_patient_candidates", user.pk),
        lambda: list(
            related.order_by()
            .values_list("patient_id", flat=True)
            .union(
                Patient.objects.filter(gp_practice_id__in=practice_ids)
                .order_by()
                .values_list("pk", flat=True),
                emergencies.order_by().values_list("patient_id", flat=True),
            )
        ),
    )
    has_relation = Exists(related.filter(patient=OuterRef("pk")))
    emergency = Exists(emergencies.filter(patient=OuterRef("pk")))
    regular = (Q(has_relation) | Q(gp_practice_id__in=practice_ids)) & (
        Q(sharing=Sharing.PERMITTED) | Q(recorded_by_id__in=organization_ids)
    )
    # The grounds ride along, so a list page can log each patient with its own grounds.
    return (
        Patient.objects.filter(pk__in=candidates)
        .filter(regular | Q(emergency))
        .annotate(
            access_grounds=Case(
                When(
                    regular & Q(recorded_by_id__in=organization_ids),
                    then=Value(Grounds.CARE_RELATION),
                ),
                When(regular, then=Value(Grounds.CONSENT)),
                default=Value(Grounds.EMERGENCY),
                output_field=CharField(),
            )
        )
    )


def _decide(user: User, patient: Patient) -> PatientAccess | None:
    """Which role gives access to this one patient, and on what grounds (None: no access)."""
    roles = active_roles(user)
    organization_ids = {role.organization_id for role in roles}
    within_organization = patient.recorded_by_id in organization_ids
    if within_organization or patient.sharing == Sharing.PERMITTED:
        grounds = Grounds.CARE_RELATION if within_organization else Grounds.CONSENT
        gp_role = next(
            (
                role
                for role in roles
                if role.function in GP_FUNCTIONS and role.organization_id == patient.gp_practice_id
            ),
            None,
        )
        if gp_role is not None:
            return PatientAccess(patient, gp_role, grounds, can_write=True)
        relation = (
            CareRelation.objects.active()
            .filter(patient=patient, role__in=roles)
            .select_related("role__organization", "role__practitioner")
            .first()
        )
        if relation is not None:
            return PatientAccess(patient, relation.role, grounds, can_write=True)
    emergency = (
        EmergencyAccess.objects.active()
        .filter(patient=patient, user=user)
        .select_related("role__organization", "role__practitioner")
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

    ``patients`` come from ``visible_patients`` and carry their grounds.
    """
    _log_visible(
        request,
        [
            Visible(p.pk, p.gp_practice_id, Grounds(p.access_grounds))  # type: ignore[attr-defined]
            for p in patients
        ],
        event,
    )


def _log_visible(request: HttpRequest, patients: Sequence[Visible], event: AccessEvent) -> None:
    user = request.user
    if not isinstance(user, User) or not patients:
        return
    through = _roles_by_patient(user, patients)
    entries = []
    for patient in patients:
        role, organisation = _describe(through[patient.pk]) if patient.pk in through else ("", "")
        entries.append((patient.pk, patient.grounds, role, organisation))
    do_record_accesses(
        event=event, user=user, request=request, object_type="Patient", patients=entries
    )


def _roles_by_patient(user: User, patients: Sequence[Visible]) -> dict[int, PractitionerRole]:
    """For each patient, the user's role that gives access: GP at the patient's practice, a
    care relation, or an emergency access. Two queries, whatever the number of patients."""
    roles = active_roles(user)
    by_pk = {role.pk: role for role in roles}
    practices = {
        role.organization_id: role
        for role in roles
        if role.function in GP_FUNCTIONS and role.organization.kind == OrganizationKind.GP_PRACTICE
    }
    found = {p.pk: practices[p.gp_practice_id] for p in patients if p.gp_practice_id in practices}
    rest = [p.pk for p in patients if p.pk not in found]
    if rest:
        for patient_id, role_id in (
            CareRelation.objects.active()
            .filter(patient_id__in=rest, role__in=roles)
            .order_by("pk")
            .values_list("patient_id", "role_id")
        ):
            found.setdefault(patient_id, by_pk[role_id])
        for emergency in (
            EmergencyAccess.objects.active()
            .filter(patient_id__in=rest, user=user)
            .select_related("role__organization")
        ):
            found.setdefault(emergency.patient_id, emergency.role)
    return found


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
