import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from schakel.core.env import Env


def test_yes_no_values_are_read_strictly():
    env = Env({"A": "yes", "B": "0", "C": "maybe"})
    assert env.flag("A", False) is True
    assert env.flag("B", True) is False
    assert env.flag("MISSING", True) is True
    with pytest.raises(ImproperlyConfigured, match="C='maybe' is not a yes/no value"):
        env.flag("C", False)


def test_numbers_are_read_strictly():
    env = Env({"N": "12", "BAD": "12min", "SMALL": "0"})
    assert env.number("N", 1) == 12
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.number("BAD", 1)
    with pytest.raises(ImproperlyConfigured, match="minimum is 1"):
        env.number("SMALL", 5, minimum=1)


def test_lists_and_choices():
    env = Env({"HOSTS": "a.nl, b.nl,,", "MODE": "fast"})
    assert env.items("HOSTS", []) == ["a.nl", "b.nl"]
    with pytest.raises(ImproperlyConfigured, match="choose one of"):
        env.choice("MODE", "slow", ("slow", "careful"))


# The test settings put these in the environment; a start-up check must not inherit them.
_SETTINGS_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SECURE_SSL_REDIRECT"}


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARIABLES}


def _start(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = _clean_environ()
    env.update({"DJANGO_SETTINGS_MODULE": "schakel.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "-m", "schakel", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a yes/no value"),
        ({}, "SECRET_KEY is not set"),
        (
            {"SECRET_KEY": "x" * 50, "SCHAKEL_TWO_FACTOR_OPTIONAL": "1"},
            "SCHAKEL_TWO_FACTOR_OPTIONAL is only allowed together with DEBUG=1",
        ),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL must point to"),
        ({"DEBUG": "1", "SCHAKEL_SESSION_IDLE_MINUTES": "0"}, "minimum is 1"),
    ],
)
def test_a_bad_environment_stops_start_up_with_a_clear_message(extra, message, tmp_path):
    result = _start({"SCHAKEL_VAR_DIR": str(tmp_path), **extra})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = _clean_environ()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "schakel.settings",
            "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
            "ALLOWED_HOSTS": "schakel.example.nl",
            "SCHAKEL_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "schakel", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
