"""First start: the admin account and the bundled examples."""

from __future__ import annotations

import pytest

from nianbao.store import Store
from nianbao.web.auth import authenticate
from nianbao.web.bootstrap import ensure_admin, load_examples


def test_first_admin_is_created_once(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    monkeypatch.delenv("NIANBAO_ADMIN_PASSWORD", raising=False)
    password = ensure_admin(store)
    assert password and len(password) >= 12
    assert authenticate(store, "admin", password) is not None
    assert ensure_admin(store) is None  # never a second admin, never a second printed password


def test_admin_password_from_the_environment(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", "given-password-1")
    assert ensure_admin(store) is None
    assert authenticate(store, "admin", "given-password-1") is not None


@pytest.mark.slow
def test_examples_are_loaded_into_an_empty_database_only(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    n = load_examples(store)
    assert n >= 5 and store.counts()["reports"] == n
    assert load_examples(store) == 0
