"""Questionnaires end to end: personal links, the patient form, professional entry, scores,
thresholds that create one task, imports (licensed and outside), trends and FHIR exports."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from schakel.audit.models import AccessEvent, AccessLogEntry
from schakel.pathways.models import EventKind
from schakel.proms import actions
from schakel.proms.catalogue import DEFAULT_SCHEDULE
from schakel.proms.definitions import DefinitionError
from schakel.proms.models import (
    Instrument,
    Invitation,
    LinkMiss,
    PathwaySchedule,
    PromSchedule,
    QuestionnaireVersion,
    Response,
    Score,
)
from schakel.proms.schedules import (
    do_follow_schedule,
    do_stop_schedule,
    on_pathway_event,
    send_due,
)
from schakel.proms.tokens import CODE_ALPHABET, code_hash, new_code, normalise_code
from schakel.work.models import Task
from tests.pathways_base import PathwayTestCase
from tests.smtp import smtp_server

# From the shared corpus (lforms), copied unchanged: see tests/fixtures/README.md.
PHQ9 = Path(__file__).resolve().parent / "fixtures" / "phq9.json"


def version(code: str) -> QuestionnaireVersion:
    found = Instrument.objects.get(code=code).versions.first()
    assert found is not None
    return found


def gfi_post(frail: bool) -> dict[str, str]:
    """Form data for the GFI: v0..v14 are its fifteen items in order."""
    data = {f"v{n}": "yes" for n in range(4)} | {"v4": "8"}
    data |= {f"v{n}": "no" for n in range(5, 15)}
    if frail:
        data |= {"v0": "no", "v1": "no", "v4": "5", "v5": "yes", "v13": "yes"}
    return data


class ProMTestCase(PathwayTestCase):
    def invite(self, code: str = "gfi", **kwargs: Any) -> tuple[Invitation, str]:
        return self.issue(code, **kwargs)[:2]

    def issue(self, code: str = "gfi", **kwargs: Any) -> actions.IssuedLink:
        return actions.do_invite(
            self.pathway,
            version(code),
            actor=self.actor(self.case_manager),
            channel=kwargs.pop("channel", "letter"),
            link_for=lambda token: f"http://testserver/v/{token}/",
            **kwargs,
        )

    def link(self, token: str) -> str:
        return reverse("proms:patient_form", args=[token])


class InvitationTests(ProMTestCase):
    def test_the_email_carries_a_link_and_no_health_data(self):
        with smtp_server() as smtp, self.captureOnCommitCallbacks(execute=True):
            _, token = self.invite(channel="email", email="piet@example.nl")
        self.assertEqual(len(smtp.messages), 1)
        message = smtp.messages[0]
        self.assertEqual(message["To"], "piet@example.nl")
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        self.assertIn(f"/v/{token}/", body)
        for health_data in ("GFI", "Groningen", "kanker", "Borstkanker", "Piet", "Jansen"):
            self.assertNotIn(health_data, body + message["Subject"])
        # Only the hash of the token is stored.
        self.assertNotIn(token, json.dumps(list(Invitation.objects.values()), default=str))

    def test_the_letter_shows_the_link_and_a_qr_code_once(self):
        self.login(self.case_manager)
        response = self.client.post(
            reverse("proms:invite", args=[self.pathway.pk]),
            {"instrument": Instrument.objects.get(code="gfi").pk, "channel": "letter"},
        )
        self.assertContains(response, "<svg")
        match = re.search(r'data-testid="letter-code">([A-Z0-9-]+)<', response.content.decode())
        assert match is not None
        code = normalise_code(match.group(1))
        assert code is not None
        # What is stored is the keyed hash of the printed code, never the code itself; the QR
        # code holds the same code's link (/v/<code>/).
        self.assertEqual(Invitation.objects.get().code_hash, code_hash(code))
        self.assertNotIn(code, json.dumps(list(Invitation.objects.values()), default=str))
        self.client.logout()
        self.assertContains(self.client.get(self.link(code)), "Boodschappen doen")

    def test_the_letter_has_a_short_code_the_practice_and_a_print_button(self):
        self.login(self.case_manager)
        response = self.client.post(
            reverse("proms:invite", args=[self.pathway.pk]),
            {"instrument": Instrument.objects.get(code="gfi").pk, "channel": "letter"},
        )
        page = response.content.decode()
        match = re.search(r'data-testid="letter-code">([A-Z0-9-]+)<', page)
        assert match is not None
        code = match.group(1)
        self.assertRegex(
            code, rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$"
        )
        self.assertIn("http://testserver/code/", page)
        organisation = self.case_manager.practitioner.roles.get().organization
        self.assertIn(organisation.name, page)
        self.assertIn("data-print", page)
        stored = json.dumps(list(Invitation.objects.values()), default=str)
        self.assertNotIn(code.replace("-", ""), stored)
        # Typed at the short page, in lower case with spaces, it leads to the questionnaire.
        self.client.logout()
        typed = code.lower().replace("-", " ")
        entered = self.client.post(reverse("proms:code"), {"code": typed}, follow=True)
        self.assertContains(entered, "Boodschappen doen")
        self.client.post(entered.wsgi_request.path, gfi_post(frail=False))
        self.assertTrue(Response.objects.get().by_patient)
        # Once filled in, the code works no more.
        again = self.client.post(reverse("proms:code"), {"code": code})
        self.assertContains(again, "Deze code werkt niet (meer)")

    @override_settings(SCHAKEL_PROM_LINK_ATTEMPTS=2)
    def test_a_wrong_code_says_so_and_guessing_is_rate_limited(self):
        shape = self.client.post(reverse("proms:code"), {"code": "HK7P-3MXA"})
        self.assertContains(shape, "Een code heeft 12 letters en cijfers")
        for _attempt in range(2):
            wrong = self.client.post(reverse("proms:code"), {"code": "HK7P-3MXA-CQ9T"})
            self.assertContains(wrong, "Deze code werkt niet (meer)")
        self.assertEqual(
            self.client.post(reverse("proms:code"), {"code": "HK7P-3MXA-CQ9T"}).status_code, 429
        )

    def test_codes_have_no_look_alike_characters(self):
        for _n in range(200):
            code = new_code()
            self.assertFalse(set(code) & set("0O1IL5S8B2ZUV"), code)
            self.assertEqual(normalise_code(f" {code.lower()} "), code.replace("-", ""))
        self.assertIsNone(normalise_code("HK7P-3MXA-CQ90"))  # a zero is never in a code

    def test_email_is_required_for_an_email_invitation(self):
        self.login(self.case_manager)
        response = self.client.post(
            reverse("proms:invite", args=[self.pathway.pk]),
            {"instrument": Instrument.objects.get(code="gfi").pk, "channel": "email"},
            follow=True,
        )
        self.assertContains(response, "Vul het e-mailadres in")
        self.assertFalse(Invitation.objects.exists())

    def test_an_outsider_cannot_invite_or_see_the_scores(self):
        self.login(self.other_gp)
        self.assertEqual(
            self.client.get(reverse("proms:pathway", args=[self.pathway.pk])).status_code, 404
        )
        response = self.client.post(
            reverse("proms:invite", args=[self.pathway.pk]),
            {"instrument": Instrument.objects.get(code="gfi").pk, "channel": "letter"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Invitation.objects.exists())


class PatientLinkTests(ProMTestCase):
    def test_partial_answers_are_kept_and_the_link_works_once(self):
        invitation, token = self.invite()
        partial = {"v0": "yes", "v4": "7", "save": "1"}
        self.client.post(self.link(token), partial)
        invitation.refresh_from_db()
        self.assertEqual(invitation.partial_answers, {"gfi-1": "yes", "gfi-5": 7})
        page = self.client.get(self.link(token))
        self.assertContains(page, 'value="7"')
        response = self.client.post(self.link(token), gfi_post(frail=False))
        self.assertRedirects(response, reverse("proms:thanks"))
        score = Score.objects.get()
        self.assertEqual((score.value, score.flagged), (0, False))
        self.assertTrue(Response.objects.get().by_patient)
        again = self.client.get(self.link(token))
        self.assertEqual(again.status_code, 404)
        self.assertContains(again, "Deze link werkt niet (meer)", status_code=404)
        self.assertNotContains(again, "Boodschappen", status_code=404)

    def test_required_answers_are_asked_for_beside_the_question(self):
        _, token = self.invite()
        data = gfi_post(frail=False)
        del data["v2"]
        response = self.client.post(self.link(token), data)
        self.assertContains(response, "Beantwoord deze vraag alstublieft.")
        self.assertContains(response, 'aria-describedby="id_v2_error"')
        self.assertFalse(Response.objects.exists())

    def test_a_missing_answer_is_named_in_the_summary_and_sits_above_its_choices(self):
        _, token = self.invite()
        data = gfi_post(frail=False)
        del data["v2"]
        page = self.client.post(self.link(token), data).content.decode()
        # The summary names the question and links to its first choice...
        summary = page[page.index('data-testid="error-summary"') :]
        self.assertRegex(summary, r'<a href="#id_v2_0">[^<]*[A-Za-z][^<]*</a>')
        # ...and the message stands between the question and its choices, the question marked.
        message = page.index('id="id_v2_error"')
        self.assertLess(page.index("<legend>", message - 400), message)
        self.assertLess(message, page.index('id="id_v2_0"'))
        self.assertIn("field--error", page[message - 600 : message])

    def test_an_out_of_range_number_names_both_ends(self):
        _, token = self.invite()
        response = self.client.post(self.link(token), gfi_post(frail=False) | {"v4": "11"})
        self.assertContains(response, "Vul een getal tussen 0 en 10 in.")
        self.assertFalse(Response.objects.exists())

    def test_expired_and_wrong_links_get_the_same_answer(self):
        invitation, token = self.invite()
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
        expired = self.client.get(self.link(token))
        wrong = self.client.get(self.link("x" * 43))
        self.assertEqual((expired.status_code, wrong.status_code), (404, 404))

        def page(response: Any) -> str:  # without the per-request CSRF token and the address
            text = response.content.decode().replace(response.wsgi_request.path, "")
            return re.sub(r"[A-Za-z0-9]{64}", "", text)

        self.assertEqual(page(expired), page(wrong))
        self.assertEqual(expired["Cache-Control"], "no-store")

    @override_settings(SCHAKEL_PROM_LINK_ATTEMPTS=3)
    def test_guessing_is_rate_limited_but_a_valid_link_always_works(self):
        _, token = self.invite()
        for n in range(3):
            self.assertEqual(self.client.get(self.link(f"guess{n}")).status_code, 404)
        # This client's further guesses are refused for a while...
        self.assertEqual(self.client.get(self.link("guess3")).status_code, 429)
        self.assertEqual(LinkMiss.objects.count(), 3)
        # ...but a patient's valid link is never refused because of someone's misses.
        self.assertEqual(self.client.get(self.link(token)).status_code, 200)

    @override_settings(SCHAKEL_PROM_LINK_ATTEMPTS=3, SCHAKEL_TRUSTED_PROXIES=1)
    def test_behind_a_proxy_the_limit_keys_on_the_real_client(self):
        for n in range(3):
            self.client.get(self.link(f"guess{n}"), HTTP_X_FORWARDED_FOR="203.0.113.7")
        blocked = self.client.get(self.link("guess3"), HTTP_X_FORWARDED_FOR="203.0.113.7")
        other = self.client.get(self.link("guess4"), HTTP_X_FORWARDED_FOR="198.51.100.9")
        self.assertEqual((blocked.status_code, other.status_code), (429, 404))

    def test_a_frail_score_creates_exactly_one_task_and_a_timeline_event(self):
        _, token = self.invite()
        self.client.post(self.link(token), gfi_post(frail=True))
        score = Score.objects.get()
        self.assertEqual(score.value, 5)
        self.assertTrue(score.crossed and score.flagged)
        self.assertEqual((score.cutoff, score.rule_version), ("≥ 4", "gfi-steverink-2001"))
        task = Task.objects.get(focus_type="Score")
        self.assertEqual(task.owner_role, self.pathway.case_manager)
        self.assertIn("kwetsbaar", task.description)
        self.assertEqual(Task.objects.filter(focus_type="Score").count(), 1)
        self.assertTrue(
            self.pathway.events.filter(kind=EventKind.NOTE, summary__contains="GFI").exists()
        )
        self.assertTrue(
            AccessLogEntry.objects.filter(
                event=AccessEvent.CREATE, object_type="QuestionnaireResponse", user=None
            ).exists()
        )


class ProfessionalTests(ProMTestCase):
    def test_a_gp_fills_in_the_g8_for_the_patient(self):
        self.login(self.gp)
        answers = {
            "v0": "1",
            "v1": "2",
            "v2": "2",
            "v3": "2",
            "v4": "3",
            "v5": "1",
            "v6": "0.5",
            "v7": "1",
        }
        response = self.client.post(
            reverse("proms:enter", args=[self.pathway.pk, "g8"]), answers, follow=True
        )
        self.assertContains(response, "12,5 – afwijkend")
        saved = Response.objects.get()
        self.assertEqual(saved.entered_by, self.gp)
        self.assertTrue(Score.objects.get().flagged)  # G8 ≤ 14
        page = self.client.get(reverse("proms:pathway", args=[self.pathway.pk]))
        self.assertContains(page, "<svg")
        self.assertContains(page, "trend__threshold")
        self.assertContains(page, "Scores van de G8 in de tijd")  # the table beside the chart
        detail = self.client.get(self.pathway.get_absolute_url())
        self.assertContains(detail, "12,5 – afwijkend")

    def test_the_response_exports_as_a_valid_questionnaire_response(self):
        response = actions.do_submit_by_professional(
            self.pathway, version("ecog"), {"ecog": "2"}, actor=self.actor(self.specialist)
        )
        self.login(self.specialist)
        exported = self.client.get(
            reverse("proms:response_fhir", args=[self.pathway.pk, response.pk])
        ).json()
        resource = QuestionnaireResponse.model_validate(exported)
        self.assertEqual(
            exported["item"][0]["answer"][0]["valueCoding"],
            {
                "code": "2",
                "display": "2 – kan zichzelf verzorgen, niet werken, "
                "meer dan de helft van de dag op",
                "system": "https://schakel.example/fhir/Questionnaire/answers",
            },
        )
        self.assertEqual(exported["subject"]["identifier"]["value"], self.patient.bsn)
        self.assertEqual(resource.status, "completed")
        self.assertTrue(
            AccessLogEntry.objects.filter(
                event=AccessEvent.EXPORT, patient_id=self.patient.pk
            ).exists()
        )
        definition = self.client.get(reverse("proms:questionnaire_fhir", args=["gfi"])).json()
        self.assertEqual(definition["resourceType"], "Questionnaire")


class ImportTests(ProMTestCase):
    def test_the_phq9_from_the_corpus_imports_renders_and_keeps_raw_answers(self):
        out, err = StringIO(), StringIO()
        call_command("proms", "import", str(PHQ9), stdout=out, stderr=err)
        self.assertIn("imported", out.getvalue())
        self.assertIn("not valid, ignored", err.getvalue())  # SDC variables with underscores
        phq9 = Instrument.objects.get(code="44249-1")
        self.login(self.gp)
        page = self.client.get(reverse("proms:enter", args=[self.pathway.pk, phq9.code]))
        self.assertContains(page, "Little interest or pleasure in doing things?")
        self.assertNotContains(page, "item total score")  # calculated: not asked
        answers = {f"v{n}": "LA6569-3" for n in range(9)}
        self.client.post(reverse("proms:enter", args=[self.pathway.pk, phq9.code]), answers)
        response = Response.objects.get()
        self.assertEqual(response.answers["/44250-9"], "LA6569-3")
        self.assertFalse(Score.objects.exists())
        detail = self.client.get(reverse("proms:response", args=[self.pathway.pk, response.pk]))
        self.assertContains(detail, "Schakel berekent voor deze vragenlijst geen score")
        self.assertContains(detail, "Several days")

    def catalogue(self) -> Any:
        self.login(self.gp)
        return self.client.get(reverse("proms:catalogue"))

    def lastmeter_row(self) -> str:
        page = self.catalogue().content.decode()
        return page[page.index("<td>Lastmeter") :].split("</tr>", 1)[0]

    def test_a_licensed_instrument_waits_for_its_file_and_checks_the_link_ids(self):
        self.assertFalse(Instrument.objects.get(code="lastmeter").versions.exists())
        self.assertIn("licentie nodig", self.lastmeter_row())
        placeholder: dict[str, Any] = {
            "resourceType": "Questionnaire",
            "status": "active",
            "version": "test",
            "item": [
                {"linkId": "thermometer", "type": "integer", "text": "Placeholder vraag 1"},
                {"linkId": "problem-1", "type": "boolean", "text": "Placeholder probleem"},
            ],
        }
        with self.assertRaises(DefinitionError) as refused:
            actions.do_import_questionnaire(placeholder, instrument_code="lastmeter")
        self.assertIn("referral", str(refused.exception))
        self.assertFalse(QuestionnaireVersion.objects.filter(instrument__code="lastmeter").exists())
        placeholder["item"].append(
            {
                "linkId": "referral",
                "type": "choice",
                "text": "Placeholder verwijswens",
                "answerOption": [{"valueCoding": {"code": c}} for c in ("yes", "no", "maybe")],
            }
        )
        actions.do_import_questionnaire(placeholder, instrument_code="lastmeter")
        self.assertNotIn("licentie nodig", self.lastmeter_row())
        self.assertIn("versie test", self.lastmeter_row())
        # Filled in through the form: an integer, a yes/no and a choice, stored as JSON types.
        self.login(self.case_manager)
        self.client.post(
            reverse("proms:enter", args=[self.pathway.pk, "lastmeter"]),
            {"v0": "3", "v1": "true", "v2": "maybe"},
        )
        response = Response.objects.get()
        self.assertEqual(
            response.answers, {"thermometer": 3, "problem-1": True, "referral": "maybe"}
        )
        score = Score.objects.get(response=response)
        self.assertEqual((score.value, score.crossed, score.flagged), (3, False, True))
        self.assertEqual(score.details, ["Placeholder probleem"])

    def test_a_broken_file_changes_nothing_and_says_why(self):
        with self.assertRaises(CommandError) as refused:
            call_command("proms", "import", str(Path(__file__)))
        self.assertIn("not readable JSON", str(refused.exception))
        bad = {"resourceType": "Questionnaire", "status": "nonsense", "item": []}
        with self.assertRaises(DefinitionError):
            actions.do_import_questionnaire(bad, instrument_code="x")
        self.assertFalse(Instrument.objects.filter(code="x").exists())


class QueryCountTests(ProMTestCase):
    def test_the_questionnaire_page_does_the_same_queries_for_1_and_12_scores(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def add(code: str, answers: dict[str, Any]) -> None:
            actions.do_submit_by_professional(
                self.pathway, version(code), answers, actor=self.actor(self.gp)
            )

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                page = self.client.get(reverse("proms:pathway", args=[self.pathway.pk]))
                self.assertEqual(page.status_code, 200)
            return len(queries)

        self.login(self.gp)
        add("ecog", {"ecog": "1"})
        one = count()
        for n in range(11):
            add(("ecog", "karnofsky")[n % 2], {"ecog": str(n % 5), "kps": "70"})
        self.assertEqual(Score.objects.count(), 12)
        self.assertEqual(count(), one)


def body(message: Any) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


class ScheduleTests(ProMTestCase):
    """A pathway follows the default schedule: invitations when the moments come, once each,
    and one reminder with a fresh link."""

    def follow(self) -> PathwaySchedule:
        return do_follow_schedule(
            self.pathway,
            PromSchedule.objects.get(name=DEFAULT_SCHEDULE),
            email="piet@example.nl",
            actor=self.actor(self.case_manager),
        )

    def test_a_recorded_diagnosis_and_end_of_treatment_invite_once_each(self):
        from schakel.pathways.actions import PathwayEventRecorded, do_record_event
        from schakel.pathways.models import Modality

        self.follow()
        with smtp_server() as smtp, self.captureOnCommitCallbacks(execute=True):
            event = do_record_event(
                self.pathway,
                EventKind.DIAGNOSIS,
                organization=self.hospital,
                actor=self.actor(self.specialist),
            )
        self.assertEqual(len(smtp.messages), 1)
        invitation = Invitation.objects.get()
        self.assertEqual(
            (invitation.version.instrument.code, invitation.occurrence),
            ("gfi", f"event:{event.pk}"),
        )
        on_pathway_event(
            PathwayEventRecorded(event, self.actor(self.specialist))
        )  # the same occurrence again: no second invitation
        self.assertEqual(Invitation.objects.count(), 1)
        do_record_event(
            self.pathway,
            EventKind.TREATMENT_END,
            organization=self.hospital,
            modality=Modality.CHEMOTHERAPY,
            actor=self.actor(self.specialist),
        )
        self.assertEqual(
            set(Invitation.objects.values_list("version__instrument__code", flat=True)),
            {"gfi", "tfi"},
        )

    def test_a_case_on_an_mdo_agenda_invites_with_a_link_valid_until_the_meeting(self):
        from datetime import timedelta

        from schakel.mdo.actions import do_add_to_agenda
        from schakel.mdo.models import MdoMeeting

        self.follow()
        day = timezone.localdate() + timedelta(days=10)
        starts = timezone.make_aware(datetime.combine(day, time(9)))
        meeting = MdoMeeting.objects.create(
            name="MDO", scheduled_for=day, starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
        do_add_to_agenda(
            meeting, self.pathway, question="Beleid?", actor=self.actor(self.specialist)
        )
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.expires_at, starts)
        # A meeting in 20 hours leaves the patient no time: no invitation.
        soon = timezone.now() + timedelta(hours=20)
        next_day = MdoMeeting.objects.create(
            name="MDO", scheduled_for=soon.date(), starts_at=soon, ends_at=soon + timedelta(hours=1)
        )
        do_add_to_agenda(
            next_day, self.pathway, question="Beleid?", actor=self.actor(self.specialist)
        )
        self.assertEqual(Invitation.objects.count(), 1)

    def test_every_91_days_in_aftercare_and_one_reminder_with_a_fresh_link(self):
        from datetime import timedelta

        from schakel.pathways.models import CarePathway, Phase

        followed = self.follow()
        now = timezone.now()
        CarePathway.objects.filter(pk=self.pathway.pk).update(
            phase=Phase.AFTERCARE, phase_since=now - timedelta(days=92)
        )
        with smtp_server() as smtp:
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(send_due(now), {"invited": 1, "reminded": 0})
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(send_due(now + timedelta(days=1)), {"invited": 0, "reminded": 0})
            invitation = Invitation.objects.get(follows=followed)
            first_link = re.search(r"/v/[\w-]+/", body(smtp.messages[0]))
            assert first_link is not None
            self.client.post(first_link.group(0), {"v0": "no", "save": "1"})
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(send_due(now + timedelta(days=6)), {"invited": 0, "reminded": 1})
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(send_due(now + timedelta(days=7)), {"invited": 0, "reminded": 0})
        self.assertEqual(len(smtp.messages), 2)
        self.assertIn("Herinnering", smtp.messages[1]["Subject"])
        second_link = re.search(r"/v/[\w-]+/", body(smtp.messages[1]))
        assert second_link is not None
        self.assertEqual(self.client.get(first_link.group(0)).status_code, 404)
        page = self.client.get(second_link.group(0))
        self.assertContains(page, 'value="no" id="id_v0_1" checked')  # the saved answer is kept
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.reminded_at)
        # 91 days after the first: the next one; none once the schedule is stopped.
        self.assertEqual(send_due(now + timedelta(days=92))["invited"], 1)
        do_stop_schedule(followed, actor=self.actor(self.case_manager))
        self.assertEqual(send_due(now + timedelta(days=200))["invited"], 0)

    def test_following_and_stopping_from_the_pathway_page(self):
        self.login(self.case_manager)
        schedule = PromSchedule.objects.get(name=DEFAULT_SCHEDULE)
        url = reverse("proms:follow_schedule", args=[self.pathway.pk])
        response = self.client.post(url, {"schedule": schedule.pk, "email": ""}, follow=True)
        self.assertContains(response, "Dit veld is verplicht")
        self.client.post(url, {"schedule": schedule.pk, "email": "piet@example.nl"})
        followed = PathwaySchedule.objects.get()
        page = self.client.get(reverse("proms:pathway", args=[self.pathway.pk]))
        self.assertContains(page, DEFAULT_SCHEDULE)
        self.client.post(reverse("proms:stop_schedule", args=[self.pathway.pk, followed.pk]))
        followed.refresh_from_db()
        self.assertIsNotNone(followed.stopped_at)
        self.login(self.other_gp)
        self.assertEqual(
            self.client.post(url, {"schedule": schedule.pk, "email": "x@y.nl"}).status_code, 404
        )


class EnglishTests(ProMTestCase):
    def test_the_patient_can_read_the_questionnaire_in_english(self):
        _, token = self.invite()
        link = self.link(token)
        self.client.post(reverse("accounts:set_language"), {"language": "en", "next": link})
        page = self.client.get(link)
        self.assertContains(page, "Shopping. Can you do this on your own")
        self.assertContains(page, "Send my answers")


class DoubleSubmitTests(ProMTestCase):
    def test_a_second_submission_of_the_same_link_changes_nothing(self):
        invitation, _ = self.invite()
        answers = {f"gfi-{n}": "yes" for n in range(1, 5)} | {"gfi-5": 8}
        answers |= {f"gfi-{n}": "no" for n in range(6, 16)}
        first = actions.do_submit_by_patient(invitation, answers)
        second = actions.do_submit_by_patient(invitation, answers | {"gfi-1": "no"})
        self.assertEqual(first.pk, second.pk)
        self.assertEqual((Response.objects.count(), Score.objects.count()), (1, 1))

    def test_a_professional_questionnaire_cannot_be_sent_to_the_patient(self):
        self.login(self.case_manager)
        self.client.post(
            reverse("proms:invite", args=[self.pathway.pk]),
            {"instrument": Instrument.objects.get(code="ecog").pk, "channel": "letter"},
        )
        self.assertFalse(Invitation.objects.exists())


class DutchNumbersTests(ProMTestCase):
    """Issue 10, point 6: decimals with a comma (also on a chart's axis), scoring rules by
    their source, schedule moments in words."""

    def test_a_chart_axis_and_a_score_use_the_decimal_comma(self):
        from django.utils import translation

        from schakel.proms.charts import Series, trend_svg
        from schakel.proms.texts import number

        moments = [timezone.now() - timedelta(days=d) for d in (30, 0)]
        with translation.override("nl"):
            chart = trend_svg(
                "G8",
                [Series("G8", list(zip(moments, (12.5, 14.0), strict=True)))],
                minimum=0,
                maximum=17,
            )
            self.assertIn(">8,5<", chart)  # the middle tick of 0..17
            self.assertNotIn("8.5", chart)
            self.assertEqual(number("12.50"), "12,5")
            self.assertEqual(number("100.000"), "100")
        with translation.override("en"):
            self.assertEqual(number("12.50"), "12.5")

    def test_the_scoring_rule_is_named_by_its_source(self):
        _, token = self.invite()
        self.client.post(self.link(token), gfi_post(frail=True))
        self.login(self.case_manager)
        page = self.client.get(reverse("proms:pathway", args=[self.pathway.pk]))
        self.assertContains(page, "GFI, Steverink e.a. (2001)")
        self.assertNotContains(page, "gfi-steverink-2001")

    def test_a_regular_moment_reads_as_words(self):
        from schakel.proms.models import MomentKind, ScheduleMoment

        moment = ScheduleMoment(
            instrument=Instrument.objects.get(code="gfi"),
            kind=MomentKind.PERIODIC,
            phase="aftercare",
            interval_days=91,
        )
        self.assertEqual(moment.when, "elke 91 dagen in de fase nazorg")
        moment.interval_days = 1
        self.assertEqual(moment.when, "elke dag in de fase nazorg")
