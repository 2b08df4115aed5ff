"""Settings: loaded from the environment, validated, secrets masked, every one documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk import settings
from newsdesk.errors import InputError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_defaults_and_environment() -> None:
    loaded = settings.load({"NEWSDESK_ALLOW_PRIVATE": "yes", "NEWSDESK_ALLOWED_HOSTS": "127.0.0.1, ::1"})
    assert loaded.allow_private is True
    assert loaded.allowed_hosts == ("127.0.0.1", "::1")
    assert loaded.max_bytes == 5_000_000
    assert loaded.fetch_options().allowed_hosts == ("127.0.0.1", "::1")


def test_invalid_value_names_the_variable() -> None:
    with pytest.raises(InputError, match="NEWSDESK_MAX_BYTES"):
        settings.load({"NEWSDESK_MAX_BYTES": "lots"})


def test_dump_masks_secrets() -> None:
    dumped = settings.dump(settings.load({"NEWSDESK_SECRET_KEY": "hunter2"}))
    assert dumped["secret_key"] == "********"
    assert "hunter2" not in str(dumped)


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text()
    missing = [s.env for s in settings.SETTINGS if s.env not in text]
    assert not missing, f"undocumented settings: {missing}"
