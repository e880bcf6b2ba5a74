import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list, env_str


def test_a_boolean_setting_accepts_common_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")

    assert env_bool("FLAG", default=False) is True


def test_a_bad_boolean_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false, not 'maybe'"):
        env_bool("FLAG", default=False)


def test_a_required_setting_that_is_missing_fails_loudly(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="Set the SECRET_KEY environment variable"):
        env_str("SECRET_KEY")


def test_a_list_setting_is_split_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")

    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_production_settings_pass_the_deploy_check():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "concordance.example",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
