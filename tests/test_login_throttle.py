"""Wrong admin passwords: after five, a growing wait per browser session and per client address, kept
on the server (a page reload does not reset it) and logged; and a visitor cannot download a deleted
dataset's original file."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from components import state, storage
from jixiao import auth
from jixiao.auth import ENV_HASH, LoginThrottle, hash_password
from jixiao.store.db import ENV_URL, Store
from tests.conftest import APP, HENAN_XLSX

pytestmark = pytest.mark.usefixtures("apptest_navigation")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _throttle(clock: Clock) -> LoginThrottle:
    return LoginThrottle(clock=clock)


# --- the domain ----------------------------------------------------------------------------------------
def test_five_free_attempts_then_a_growing_wait():
    clock = Clock()
    t = _throttle(clock)
    keys = ["session:a", "address:10.0.0.7"]
    for _ in range(auth.FREE_ATTEMPTS):
        r = t.attempt(keys, lambda: False)
        assert not r.ok and r.wait == 0 and not r.refused
    waits = []
    for _ in range(4):
        r = t.attempt(keys, lambda: False)
        assert not r.ok and not r.refused
        waits.append(r.wait)
        # while waiting, even the right password is not checked
        checked = []
        early = t.attempt(keys, lambda checked=checked: checked.append(1) or True)
        assert not early.ok and early.refused and not checked
        assert early.wait == pytest.approx(r.wait)
        clock.now += r.wait
    assert waits == [auth.FIRST_DELAY * 2**i for i in range(4)]
    assert t.attempt(keys, lambda: True).ok  # after the wait the right password works …
    assert t.failures("session:a") == 0 and t.failures("address:10.0.0.7") == 0  # … and clears the count


def test_the_wait_is_capped_and_forgotten_after_a_day():
    clock = Clock()
    t = _throttle(clock)
    for _ in range(40):
        r = t.attempt(["address:x"], lambda: False)
        clock.now += r.wait
    assert r.wait == auth.MAX_DELAY
    clock.now += auth.FORGET_AFTER + 1
    assert t.wait(["address:x"]) == 0 and t.failures("address:x") == 0


def test_a_new_session_from_the_same_address_still_waits_and_another_address_does_not():
    clock = Clock()
    t = _throttle(clock)
    for _ in range(auth.FREE_ATTEMPTS + 1):
        t.attempt(["session:old", "address:10.0.0.7"], lambda: False)
    assert t.wait(["session:new", "address:10.0.0.7"]) > 0  # a reload: new session, same address
    assert t.wait(["session:old", "address:10.0.0.8"]) > 0  # the same session from elsewhere
    assert t.wait(["session:other", "address:10.0.0.8"]) == 0


def test_failures_are_logged(caplog):
    t = _throttle(Clock())
    with caplog.at_level(logging.WARNING, logger="jixiao.auth"):
        for _ in range(auth.FREE_ATTEMPTS + 2):
            t.attempt(["address:10.9.9.9"], lambda: False)
    failed = [r for r in caplog.records if "failed" in r.getMessage()]
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(failed) == auth.FREE_ATTEMPTS + 1 and len(refused) == 1
    assert all("10.9.9.9" in r.getMessage() for r in caplog.records)


def test_the_table_of_keys_stays_bounded():
    clock = Clock()
    t = LoginThrottle(clock=clock, max_keys=100)
    for i in range(1000):
        clock.now += 1
        t.attempt([f"address:{i}"], lambda: False)
    assert len(t._counts) <= 100
    assert t.failures("address:999") == 1  # the newest are kept


# --- the app -----------------------------------------------------------------------------------------
@pytest.fixture
def protected(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv(ENV_HASH, hash_password("正确的密码"))
    clock = Clock()
    monkeypatch.setattr(auth, "THROTTLE", _throttle(clock))
    return url, clock


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _login(at: AppTest, password: str) -> str:
    at.sidebar.text_input(key=storage.LOGIN_KEY).set_value(password)
    at.sidebar.button(key="admin_login_submit").click().run()
    assert not at.exception
    return at.sidebar.error[0].value if at.sidebar.error else ""


def test_the_wait_survives_a_page_reload(protected):
    _, clock = protected
    at = _app()
    for _ in range(auth.FREE_ATTEMPTS):
        assert _login(at, "猜一个") == "密码不正确。"
    assert "请 2 秒后再试" in _login(at, "再猜一个")
    reloaded = _app()  # a reload is a new session: the address still waits
    assert "次数过多" in _login(reloaded, "正确的密码")
    assert reloaded.session_state[state.ADMIN] is False
    clock.now += auth.FIRST_DELAY
    assert _login(reloaded, "正确的密码") == ""
    assert reloaded.session_state[state.ADMIN] is True


def _seed_deleted(url: str) -> int:
    from jixiao.read import read_dataset
    from jixiao.store.db import summary_of

    data = HENAN_XLSX.read_bytes()
    table = read_dataset(data, HENAN_XLSX.name).table
    s = Store(url)
    try:
        dataset_id = s.import_file(
            data,
            HENAN_XLSX.name,
            unit="某单位",
            year=2023,
            mapping=table.source.mapping,
            summary=summary_of(table),
        ).dataset_id
        s.delete(dataset_id)
        assert s.is_deleted(dataset_id)
        return dataset_id
    finally:
        s.dispose()


def _downloads(at: AppTest) -> set[str]:
    return {b.proto.label for b in at.main.get("download_button")}


def test_a_visitor_cannot_download_a_deleted_datasets_original(protected):
    url, _ = protected
    _seed_deleted(url)
    at = _app()
    at.switch_page("pages/data_manage.py").run()
    at.toggle(key="dm_show_deleted").set_value(True).run()
    assert not at.exception
    assert _downloads(at) == set()
    assert any("只有管理员登录后才能下载" in i.value for i in at.main.info)
    assert _login(at, "正确的密码") == ""
    at.switch_page("pages/data_manage.py").run()
    assert {"下载原文件", "下载此版本原文件"} <= _downloads(at)


class _Context:
    def __init__(self, ip, headers):
        self.ip_address, self.headers = ip, headers


@pytest.mark.parametrize(
    ("ip", "headers", "expected"),
    [
        ("203.0.113.9", {"X-Forwarded-For": "10.0.0.1"}, "203.0.113.9"),  # a direct client: its own address
        (None, {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}, "203.0.113.7"),  # our proxy's entry, last
        (None, {}, "local"),
    ],
)
def test_client_address_behind_a_local_proxy(monkeypatch, ip, headers, expected):
    monkeypatch.setattr(storage.st, "context", _Context(ip, headers))
    assert storage.client_address() == expected
