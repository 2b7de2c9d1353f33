"""Writes on questionnaires: importing definitions, inviting, answering, scoring.

A score past its cut-off (or with a reason to act, such as a referral wish) creates one task
for the case manager, or the GP when there is none, and every response is on the timeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from schakel.accounts.models import User
from schakel.audit.actions import do_record_access
from schakel.audit.models import AccessEvent, Grounds, Outcome
from schakel.core.workdays import working_days_after
from schakel.directory.actor import Actor
from schakel.pathways.actions import do_record_event
from schakel.pathways.models import CarePathway, EventKind
from schakel.patients.actions import log_patient_change
from schakel.proms import definitions
from schakel.proms.models import (
    Channel,
    Direction,
    Instrument,
    Invitation,
    Licence,
    LinkMiss,
    PathwaySchedule,
    QuestionnaireVersion,
    Response,
    ScheduleMoment,
    Score,
)
from schakel.proms.scoring import SCORERS, Answers
from schakel.proms.scoring.licensed import LINK_IDS
from schakel.proms.texts import flag_reason, score_summary
from schakel.proms.tokens import code_hash, new_code, new_token, normalise_code, token_hash
from schakel.work.actions import do_create_task

# How long a flagged score's task may take.
TASK_WORKING_DAYS = 3


class IssuedLink(NamedTuple):
    """A new invitation with its secrets, which exist only here (the database keeps hashes)."""

    invitation: Invitation
    token: str
    code: str  # the letter's short code, "" for an e-mail


@dataclass(frozen=True)
class ImportResult:
    version: QuestionnaireVersion
    created: bool
    warnings: list[str]


@transaction.atomic
def do_import_questionnaire(
    data: Any, *, instrument_code: str = "", user: User | None = None
) -> ImportResult:
    """Load a Questionnaire: a licensed one the operator obtained, or any outside one.

    All or nothing: an invalid file, or a licensed file without the link ids its scoring
    binds to, changes nothing and says why (DefinitionError).
    """
    cleaned, warnings = definitions.validate(data)
    code = instrument_code or _code_of(cleaned)
    instrument = Instrument.objects.filter(code=code).first()
    if instrument is not None and instrument.licence == Licence.LICENSED:
        present = {item.link_id for item in definitions.items(cleaned, "nl")}
        absent = [link for link in LINK_IDS.get(code, []) if link not in present]
        if absent:
            raise definitions.DefinitionError(
                [f"link ids the {code} scoring needs are missing: {', '.join(absent)}"]
            )
    if instrument is None:
        instrument = Instrument.objects.create(
            code=code,
            name=definitions.title(cleaned, "nl") or code,
            licence=Licence.OUTSIDE,
            source=str(cleaned.get("copyright") or cleaned.get("publisher") or ""),
        )
    version_label = str(cleaned.get("version") or "1")
    version, created = QuestionnaireVersion.objects.get_or_create(
        instrument=instrument,
        version=version_label,
        defaults={"definition": cleaned, "loaded_by": user},
    )
    if not created and version.definition != cleaned:
        raise definitions.DefinitionError(
            [
                f"version {version_label} of {code} is already loaded with other content; "
                "give the new file its own version"
            ]
        )
    return ImportResult(version, created, warnings)


def _code_of(definition: dict[str, Any]) -> str:
    for coding in definition.get("code", []):
        if coding.get("code"):
            return slugify(str(coding["code"]))[:60]
    name = definition.get("name") or definition.get("title") or definition.get("id") or ""
    code = slugify(str(name))[:60]
    if not code:
        raise definitions.DefinitionError(["the Questionnaire has no code, name or id"])
    return code


@transaction.atomic
def do_invite(
    pathway: CarePathway,
    version: QuestionnaireVersion,
    *,
    actor: Actor,
    channel: str,
    email: str = "",
    link_for: Callable[[str], str] | None = None,
    expires_at: datetime | None = None,
    follows: PathwaySchedule | None = None,
    moment: ScheduleMoment | None = None,
    occurrence: str = "",
) -> IssuedLink:
    """Make a personal link; e-mail it (no health data in the message) or return it for a
    letter, with a short code to type. Returns the invitation, the token and the code: the
    only moment they exist (only their hashes are stored)."""
    token = new_token()
    code = new_code() if channel == Channel.LETTER else ""
    invitation = Invitation.objects.create(
        pathway=pathway,
        version=version,
        token_hash=token_hash(token),
        code_hash=code_hash(normalise_code(code) or "") if code else "",
        expires_at=expires_at or timezone.now() + timedelta(days=settings.SCHAKEL_PROM_LINK_DAYS),
        channel=channel,
        email=email if channel == Channel.EMAIL else "",
        created_by=actor.account,
        created_by_role=actor.acting_role,
        follows=follows,
        moment=moment,
        occurrence=occurrence,
    )
    if channel == Channel.EMAIL:
        url = (link_for or patient_link)(token)
        transaction.on_commit(lambda: send_invitation_email(email, url, reminder=False))
    log_patient_change(
        actor,
        pathway.patient,
        AccessEvent.CREATE,
        object_type="Invitation",
        object_id=invitation.pk,
    )
    return IssuedLink(invitation, token, code)


def patient_link(token: str) -> str:
    """The link for e-mails sent without a request at hand (the worker): SITE_URL based."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('proms:patient_form', args=[token])}"


@transaction.atomic
def do_send_reminder(invitation: Invitation) -> None:
    """One reminder. Only the hash of the first link is known, so the reminder carries a new
    link and the first stops working; answers saved so far stay with the invitation."""
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.reminded_at = timezone.now()
    invitation.save(update_fields=["token_hash", "reminded_at", "updated_at"])
    url = patient_link(token)
    address = invitation.email
    transaction.on_commit(lambda: send_invitation_email(address, url, reminder=True))


def send_invitation_email(address: str, url: str, *, reminder: bool) -> None:
    """The message says only that a care provider asks for a questionnaire: no health data."""
    from django.utils.translation import gettext as _

    subject = (
        _("Reminder: your care provider asks you to fill in a questionnaire")
        if reminder
        else _("Your care provider asks you to fill in a questionnaire")
    )
    body = _(
        "Hello,\n\nYour care provider asks you to fill in a short questionnaire. "
        "Your answers help them give you the right care.\n\n"
        "Open this personal link:\n%(url)s\n\n"
        "The link is only for you; please do not share it. If you have questions, "
        "contact your care provider.\n"
    ) % {"url": url}
    EmailMessage(subject, body, to=[address]).send()


# Failed link attempts count for this long (SCHAKEL_PROM_LINK_ATTEMPTS per window).
LINK_MISS_WINDOW = timedelta(minutes=15)


def recent_link_misses(client: str, now: datetime) -> int:
    return LinkMiss.objects.filter(client=client, at__gte=now - LINK_MISS_WINDOW).count()


@transaction.atomic
def do_record_link_miss(client: str, now: datetime) -> None:
    """A link that does not work was asked for; older attempts are forgotten."""
    LinkMiss.objects.filter(at__lt=now - LINK_MISS_WINDOW).delete()
    LinkMiss.objects.create(client=client, at=now)


@transaction.atomic
def do_save_partial(invitation: Invitation, answers: dict[str, Any]) -> None:
    """Keep what the patient answered so far, so they can come back to it."""
    invitation.partial_answers = answers
    invitation.save(update_fields=["partial_answers", "updated_at"])


@transaction.atomic
def do_submit_by_patient(
    invitation: Invitation, answers: dict[str, Any], *, submitted_at: datetime | None = None
) -> Response:
    """The patient's answers through their link: stored, scored, the link used up; on the
    timeline at the moment they were given (``submitted_at``: for answers given on paper
    and entered later), as the patient's.

    A second submission (a double tap, two tabs) finds the link used and changes nothing.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.submitted_at is not None:
        return Response.objects.get(invitation=locked)
    now = submitted_at or timezone.now()
    invitation.submitted_at = now
    invitation.partial_answers = {}
    invitation.save(update_fields=["submitted_at", "partial_answers", "updated_at"])
    response = Response.objects.create(
        pathway=invitation.pathway,
        version=invitation.version,
        answers=answers,
        invitation=invitation,
        submitted_at=now,
    )
    do_record_access(
        event=AccessEvent.CREATE,
        outcome=Outcome.SUCCESS,
        user=None,
        user_identifier="patient (persoonlijke link)",
        patient_id=invitation.pathway.patient_id,
        object_type="QuestionnaireResponse",
        object_id=response.pk,
        grounds=Grounds.NONE,
    )
    # The patient filled it in: the timeline says so. The task that may follow is owned by the
    # case manager or GP, as for any flagged score.
    do_score(response, actor=Actor.patient())
    return response


@transaction.atomic
def do_submit_by_professional(
    pathway: CarePathway, version: QuestionnaireVersion, answers: dict[str, Any], *, actor: Actor
) -> Response:
    """A professional fills in for the patient (e.g. the G8 at the consult), recorded as such."""
    response = Response.objects.create(
        pathway=pathway,
        version=version,
        answers=answers,
        entered_by=actor.user,
        entered_by_role=actor.role,
    )
    log_patient_change(
        actor,
        pathway.patient,
        AccessEvent.CREATE,
        object_type="QuestionnaireResponse",
        object_id=response.pk,
    )
    do_score(response, actor=actor)
    return response


def _crosses(value: Decimal | None, direction: str, limit: Decimal) -> bool:
    if value is None:
        return False
    return value <= limit if direction == Direction.AT_MOST else value >= limit


@transaction.atomic
def do_score(response: Response, *, actor: Actor) -> Score | None:
    """Score a response (when Schakel has rules for it); past the cut-off, one task."""
    instrument = response.version.instrument
    scorer = SCORERS.get(instrument.code)
    pathway = response.pathway
    if scorer is None:  # an outside questionnaire: answers kept, no score computed
        do_record_event(
            pathway,
            EventKind.NOTE,
            summary=f"Vragenlijst {instrument.name} ingevuld",
            actor=actor,
            occurred_at=response.submitted_at,
        )
        return None
    definition = response.version.definition
    result = scorer.compute(
        Answers(response.answers, definitions.ordinals(definition), definitions.texts(definition))
    )
    cutoff = getattr(instrument, "cutoff", None)
    crossed = cutoff is not None and _crosses(result.value, cutoff.direction, cutoff.value)
    score = Score.objects.create(
        response=response,
        instrument=instrument,
        value=result.value,
        subscales={k: (str(v) if v is not None else None) for k, v in result.subscales.items()},
        missing=list(result.missing),
        flags=list(result.flags),
        details=list(result.details),
        profile=result.profile,
        rule_version=scorer.rule_version,
        cutoff=cutoff.label() if cutoff is not None else "",
        crossed=crossed,
        flagged=crossed or bool(result.flags),
    )
    summary = score_summary(score, language="nl")
    do_record_event(
        pathway,
        EventKind.NOTE,
        summary=f"{instrument.name}: {summary}",
        actor=actor,
        occurred_at=response.submitted_at,
    )
    if score.flagged:
        score.task = _task_for(score, pathway, actor, summary)
        score.save(update_fields=["task"])
    return score


def _task_for(score: Score, pathway: CarePathway, actor: Actor, summary: str) -> Any:
    """The case manager acts on it, or the GP (or their practice) when there is none."""
    owner: dict[str, Any]
    if pathway.case_manager is not None:
        owner = {"owner_role": pathway.case_manager}
    elif pathway.general_practitioner is not None:
        owner = {"owner_role": pathway.general_practitioner}
    else:
        owner = {"owner_team": pathway.patient.gp_practice or actor.acting_role.organization}
    due_day = working_days_after(timezone.localdate(), TASK_WORKING_DAYS)
    return do_create_task(
        pathway,
        kind="proms.discuss_score",
        title=f"Vragenlijst {score.instrument.name}: bespreken",
        description=flag_reason(score, language="nl") or summary,
        due_at=datetime.combine(
            due_day, datetime.min.time().replace(hour=17), tzinfo=timezone.get_current_timezone()
        ),
        actor=actor,
        focus=("Score", score.pk),
        **owner,
    )


def export_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
