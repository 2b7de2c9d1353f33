"""Hostile and random input into every URL of the persona sweep: never a server error, and a
refused or invalid request writes nothing."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

import schakel
from schakel.audit.models import AccessLogEntry, ChangeLogEntry
from schakel.mdo.models import AgendaItem, GpInput, MdoOutcome
from schakel.pathways.models import PathwayEvent
from schakel.work.models import Task, TaskEvent
from tests.test_persona_sweep import NOT_SWEPT, SweepRegion, all_urls


def form_field_names() -> list[str]:
    """Every field name of every form in Schakel: the keys hostile posts use."""
    for module in pkgutil.walk_packages(schakel.__path__, "schakel."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    names: set[str] = set()
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("schakel."):
            names.update(getattr(cls, "base_fields", {}))
    return sorted(names | {"next", "status", "pathway", "outcome", "agendapunt", "zoek", "q"})


HOSTILE = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "99999999999999999999999",
        "9" * 400,
        "2026-13-45",
        "31-02-2026",
        "1e309",
        "NaN",
        "on",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\x00",
        "https://evil.example/",
        "//evil.example",
        "ᚠᛇᚻ",
    ]
)
VALUES = st.one_of(HOSTILE, st.text(max_size=30), st.integers(-(2**70), 2**70).map(str))
WRITES = (Task, TaskEvent, PathwayEvent, AgendaItem, GpInput, MdoOutcome, ChangeLogEntry)


class HostileInputTests(HypothesisTestCase, SweepRegion):
    """The sweep's region; each example runs in its own rolled-back transaction."""

    fields: list[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.fields = form_field_names()

    def counts(self) -> tuple[int, ...]:
        return tuple(model.objects.count() for model in WRITES)

    @settings(
        max_examples=250,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=st.data())
    def test_no_input_gives_a_server_error_or_a_partial_write(self, data):
        member = data.draw(st.sampled_from(["gp", "specialist", "case_manager", "other_gp"]))
        self.login(getattr(self, member))
        name, route = data.draw(
            st.sampled_from([(n, r) for n, r in all_urls() if n not in NOT_SWEPT])
        )
        from django.urls import reverse

        url = reverse(name, kwargs=self.kwargs_for(name, route))
        payload = data.draw(st.dictionaries(st.sampled_from(self.fields), VALUES, max_size=8))
        method = data.draw(st.sampled_from(["get", "post"]))
        before = self.counts()
        logged = AccessLogEntry.objects.count()
        response = getattr(self.client, method)(url, payload)
        self.assertLess(response.status_code, 500, (name, method, payload))
        if response.status_code in (400, 403, 404, 405) or (
            method == "post" and response.status_code == 200
        ):
            self.assertEqual(self.counts(), before, (name, payload))
        self.assertGreaterEqual(AccessLogEntry.objects.count(), logged)


class KnownHostileInputTests(SweepRegion):
    """The cases an earlier attack found, each one deterministic."""

    def test_a_nul_character_is_refused_with_400(self):
        self.login(self.gp)
        self.assertEqual(self.client.get("/patienten/", {"q": "Jan\x00sen"}).status_code, 400)

    def test_numbers_too_large_for_the_database_are_not_server_errors(self):
        from django.urls import reverse

        self.login(self.gp)
        huge = "9" * 25
        gp_input = reverse("mdo:gp_input", args=[self.pathway.pk])
        self.assertEqual(self.client.get(gp_input, {"agendapunt": huge}).status_code, 404)
        outcomes = reverse("mdo:outcomes", args=[self.pathway.pk])
        self.assertEqual(self.client.post(outcomes, {"outcome": "abc"}).status_code, 404)
        self.assertEqual(self.client.post(outcomes, {"outcome": huge}).status_code, 404)
        self.assertEqual(self.client.get(f"/trajecten/{huge}/").status_code, 404)
        team = reverse("pathways:add_team_member", args=[self.pathway.pk])
        self.assertLess(self.client.post(team, {"role": huge}).status_code, 500)

    def test_a_foreign_or_bare_next_address_is_refused_before_the_write(self):
        from django.urls import reverse

        self.login(self.gp)
        for target in ("https://evil.example/", "//evil.example", "finder"):
            response = self.client.post(
                reverse("work:task_status", args=[self.task.pk]),
                {"status": "accepted", "next": target},
            )
            self.assertEqual(response["Location"], self.task.get_absolute_url())
            self.task.status = "requested"
            Task.objects.filter(pk=self.task.pk).update(status="requested")
