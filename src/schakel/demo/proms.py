"""Demo questionnaires: trends on the GP persona's patients (one past its cut-off, so there
is a task), and a personal link for the demo patient that works straight from ``make run``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schakel.accounts.models import User
from schakel.directory.actor import Actor
from schakel.directory.models import PractitionerRole
from schakel.pathways.access import visible_pathways
from schakel.pathways.models import Phase
from schakel.proms import actions
from schakel.proms.catalogue import DEFAULT_SCHEDULE
from schakel.proms.models import Channel, Invitation, PromSchedule, QuestionnaireVersion
from schakel.proms.schedules import do_follow_schedule
from schakel.proms.tokens import token_hash

# A fixed token for the demo only, so the printed link keeps working across `make run`s until
# it is used. Real links are random (proms.tokens.new_token).
DEMO_TOKEN = "demo-patient-gfi"  # noqa: S105 - a demo link, not a secret


def _gfi(points: int) -> dict[str, object]:
    """GFI answers worth ``points`` (0-15): the first items answered the frail way."""
    answers: dict[str, object] = {f"gfi-{n}": "yes" for n in range(1, 5)} | {"gfi-5": 8}
    answers |= {f"gfi-{n}": "no" for n in range(6, 16)}
    frail = {
        "gfi-1": "no",
        "gfi-2": "no",
        "gfi-5": 5,
        "gfi-6": "yes",
        "gfi-9": "yes",
        "gfi-11": "yes",
        "gfi-14": "sometimes",
    }
    for link in list(frail)[:points]:
        answers[link] = frail[link]
    return answers


def build_demo_proms() -> int:
    gp = User.objects.get(email="huisarts@schakel.test")
    gp_actor = Actor(gp, PractitionerRole.objects.get(practitioner__user=gp))
    pathways = list(visible_pathways(gp).exclude(phase=Phase.CLOSED).order_by("pk")[:2])
    if not pathways:
        return 0
    gfi = QuestionnaireVersion.objects.get(instrument__code="gfi")
    g8 = QuestionnaireVersion.objects.get(instrument__code="g8")
    now = timezone.now()
    first = pathways[0]
    # A GFI every three months, filled in by the patient through a personal link, rising past
    # the cut-off (4): the last one made a task. Each is on the timeline when it was given.
    for months_ago, points in ((9, 2), (6, 3), (3, 3), (0, 5)):
        given = now - timedelta(days=30 * months_ago, hours=2)
        invitation = actions.do_invite(
            first,
            gfi,
            actor=gp_actor,
            channel=Channel.LETTER,
            expires_at=given + timedelta(days=14),
        ).invitation
        Invitation.objects.filter(pk=invitation.pk).update(created_at=given - timedelta(days=3))
        actions.do_submit_by_patient(invitation, _gfi(points), submitted_at=given)
    # The G8 at the consult, just past its cut-off (14).
    actions.do_submit_by_professional(
        pathways[-1],
        g8,
        {
            "g8-1": "1",
            "g8-2": "2",
            "g8-3": "2",
            "g8-4": "2",
            "g8-5": "3",
            "g8-6": "1",
            "g8-7": "0.5",
            "g8-8": "1",
        },
        actor=gp_actor,
    )
    # The first patient's pathway follows the region's schedule (invitations by e-mail; the
    # local demo prints e-mail to the console).
    do_follow_schedule(
        first,
        PromSchedule.objects.get(name=DEFAULT_SCHEDULE),
        email=first.patient.email or "patient@voorbeeld.test",
        actor=gp_actor,
    )
    # The demo patient's link: open it, fill in the GFI, and the GP sees the new score.
    Invitation.objects.create(
        pathway=first,
        version=gfi,
        token_hash=token_hash(DEMO_TOKEN),
        expires_at=now + timedelta(days=365),
        channel=Channel.LETTER,
        created_by=gp,
        created_by_role=gp_actor.acting_role,
    )
    return 5
