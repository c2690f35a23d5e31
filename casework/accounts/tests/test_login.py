"""Sign-in: one generic message, throttling after repeated failures, POST-only sign-out."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client

from casework.accounts import throttle
from casework.accounts.forms import GENERIC_ERROR, locked_error
from casework.core.testing import factories as f

LOGIN = "/accounts/login/"
PW = f.PASSWORD


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=["locmem", "file"])
def any_cache(request, settings, tmp_path):
    """Throttle tests run on the test cache (locmem) and on the file cache production uses."""
    if request.param == "file":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}
    cache.clear()
    return request.param


@pytest.fixture
def ppw(db):
    return f.user(username="ppw-login", role="director")


def login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_correct_password_signs_in(ppw, client):
    response = login(client, "ppw-login", PW)
    assert response.status_code == 302
    assert response["Location"] == "/my-day/"  # a PPW starts the day on My day
    assert signed_in(client)


def test_roles_without_my_day_land_on_the_home_page(client, db):
    from casework.core.testing import factories as f

    f.user(username="principal-login", role="school_admin", schools=[f.school()], password=PW)
    response = login(client, "principal-login", PW)
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_password_and_unknown_user_read_the_same(ppw, client):
    wrong = login(client, "ppw-login", "not-the-password")
    unknown = login(Client(), "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert errors(wrong) == errors(unknown) == [GENERIC_ERROR]
    assert GENERIC_ERROR.replace("'", "&#x27;") in wrong.content.decode()
    assert not signed_in(client)


def test_inactive_user_cannot_sign_in_and_gets_the_generic_message(ppw, client):
    ppw.is_active = False
    ppw.save()
    response = login(client, "ppw-login", PW)
    assert response.status_code == 200
    assert errors(response) == [GENERIC_ERROR]
    assert not signed_in(client)


def test_throttle_after_five_failures(ppw, client, settings, any_cache):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        assert errors(login(client, "ppw-login", "wrong-password")) == [GENERIC_ERROR]
    response = login(client, "ppw-login", PW)
    assert response.status_code == 200
    assert errors(response) == [locked_error()]
    assert not signed_in(client)


def test_four_failures_do_not_lock(ppw, client, settings, any_cache):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(4):
        login(client, "ppw-login", "wrong-password")
    assert login(client, "ppw-login", PW).status_code == 302


def test_lock_is_per_username_whatever_its_case(ppw, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for name in ("PPW-login", " ppw-login", "Ppw-Login"):
        login(client, name, "wrong-password")
    assert errors(login(client, "ppw-login", PW)) == [locked_error()]


def test_unknown_username_locks_the_same_way(db, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        login(client, "ghost", "wrong-password")
    assert errors(login(client, "ghost", "wrong-password")) == [locked_error()]


def test_lock_lifts_when_the_window_passes(ppw, client, settings, any_cache):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW = 1
    login(client, "ppw-login", "wrong-password")
    login(client, "ppw-login", "wrong-password")
    assert errors(login(client, "ppw-login", PW)) == [locked_error()]
    time.sleep(1.2)
    assert login(client, "ppw-login", PW).status_code == 302


def test_attempts_while_locked_do_not_extend_the_window(ppw, client, settings, any_cache):
    """The window runs from the first failure: hammering a locked account must not keep it locked
    longer than LOGIN_FAILURE_WINDOW, and the counter must not outlive it (whatever cache is used)."""
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW = 2
    login(client, "ppw-login", "wrong-password")
    time.sleep(0.5)
    login(client, "ppw-login", "wrong-password")
    time.sleep(0.5)
    for _ in range(3):
        assert errors(login(client, "ppw-login", PW)) == [locked_error()]
    time.sleep(1.2)  # 2.2 s after the first failure
    assert login(client, "ppw-login", PW).status_code == 302


def test_success_resets_the_user_counter(ppw, client, settings, any_cache):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(4):
        login(client, "ppw-login", "wrong-password")
    assert login(client, "ppw-login", PW).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        login(client, "ppw-login", "wrong-password")
    # 8 failures in all, but only 4 since the successful sign-in.
    assert login(client, "ppw-login", PW).status_code == 302


def test_one_address_gets_four_times_the_room(db, client, settings, any_cache):
    settings.LOGIN_FAILURE_LIMIT = 2
    f.user(username="victim")
    for i in range(8):  # 8 different usernames from one address: 8 = 2 x 4
        login(client, f"guess{i}", "wrong-password")
    assert errors(login(client, "victim", PW)) == [locked_error()]
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert login(other_address, "victim", PW).status_code == 302


def test_throttle_counts_directly(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    assert not throttle.is_locked("a", "1.1.1.1")
    for _ in range(3):
        throttle.record_failure("a", "1.1.1.1")
    assert throttle.is_locked("a", "1.1.1.1")
    assert throttle.is_locked("A ", "2.2.2.2")  # username key is normalised
    assert not throttle.is_locked("b", "1.1.1.1")  # address has 12 before it locks
    throttle.clear("a", "1.1.1.1")
    assert not throttle.is_locked("a", "1.1.1.1")


def test_logout_is_post_only(ppw, client):
    client.force_login(ppw)
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not signed_in(client)
    assert client.get("/").status_code == 302


def test_login_does_not_redirect_off_site(ppw, client):
    response = login(client, "ppw-login", PW, next="https://evil.example/steal")
    assert response.status_code == 302
    assert response["Location"] == "/my-day/"  # the default, not the foreign site


def test_login_follows_a_local_next(ppw, client):
    response = login(client, "ppw-login", PW, next="/students/")
    assert response["Location"] == "/students/"


def test_demo_accounts_only_listed_in_demo_mode(db, client, settings):
    settings.DEMO_MODE = False
    assert "casework-demo" not in client.get(LOGIN).content.decode()
    settings.DEMO_MODE = True
    body = client.get(LOGIN).content.decode()
    assert "casework-demo" in body
    assert "ppw1" in body


def test_lock_message_states_the_configured_window(settings):
    settings.LOGIN_FAILURE_WINDOW = 600
    assert "Wait 10 minutes" in locked_error()
    settings.LOGIN_FAILURE_WINDOW = 60
    assert "Wait 1 minute " in locked_error()


def test_behind_a_proxy_failures_count_per_client_not_per_proxy(settings, rf):
    proxied = rf.post(LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    settings.BEHIND_PROXY = False
    assert throttle.client_address(proxied) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    # The proxy appends the address it saw last; earlier entries are whatever the client claimed.
    assert throttle.client_address(proxied) == "203.0.113.9"
    assert throttle.client_address(rf.post(LOGIN, REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


@pytest.mark.parametrize("data", [{"username": "", "password": ""}, {"username": "ppw\x00", "password": "x"}])
def test_a_malformed_sign_in_says_what_to_do(db, client, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "Enter your username and password" in response.content.decode()
    assert not signed_in(client)


# --- one account's guesses spread over many addresses --------------------------------------------------------


def _from(n: int) -> Client:
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: [seconds]."""
    now = [1_000_000.0]
    monkeypatch.setattr(throttle, "time", type("Clock", (), {"time": staticmethod(lambda: now[0])}))
    return now


def test_failures_from_many_addresses_lock_the_account(ppw, settings, any_cache, clock):
    """LOGIN_FAILURE_LIMIT 5, window 900 s. Hosts 1-5 fail once each: every host is at 1 of its 20, the account
    at 5 of 5. Host 6, never seen before, then gives the right password at t = 60 s: refused (the account
    counter, not the host's). At t = 901 s the window (from the first failure at t = 0) has passed."""
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW = 5, 900
    f.user(username="bystander")
    for n in range(1, 6):
        assert errors(login(_from(n), "ppw-login", "wrong-password")) == [GENERIC_ERROR]
    clock[0] += 60
    sixth = _from(6)
    assert errors(login(sixth, "ppw-login", PW)) == [locked_error()]
    assert not signed_in(sixth)
    # Another account, from a host that took part, is untouched (that host has 1 failure of 20).
    assert login(_from(1), "bystander", PW).status_code == 302
    clock[0] += 841  # t = 901 s
    assert login(_from(7), "ppw-login", PW).status_code == 302


def test_four_failures_from_four_addresses_do_not_lock(ppw, settings, clock):
    settings.LOGIN_FAILURE_LIMIT = 5
    for n in range(1, 5):
        login(_from(n), "ppw-login", "wrong-password")
    assert login(_from(9), "ppw-login", PW).status_code == 302


def test_an_unknown_account_locks_the_same_way_from_many_addresses(db, settings, clock):
    """No enumeration: 5 failures for a name no account has, from 5 hosts, answer the 6th as for a real one."""
    settings.LOGIN_FAILURE_LIMIT = 5
    for name in ("ppw-login", "no-such-user"):
        for n in range(1, 6):
            assert errors(login(_from(n), name, "wrong-password")) == [GENERIC_ERROR]
    f.user(username="ppw-login", role="director")
    assert errors(login(_from(6), "ppw-login", PW)) == errors(login(_from(6), "no-such-user", PW)) == [locked_error()]


def test_spellings_that_open_the_same_account_share_its_counter(ppw, settings, clock):
    """The form NFKC-normalises the username before it looks the account up, so fullwidth "ｐｐｗ-login" signs
    in to "ppw-login". Each spelling used to have a counter of its own: 5 spellings x 4 failures = 20 guesses
    at one account without a lock. Now the 5th failure, whatever the spelling, locks it."""
    settings.LOGIN_FAILURE_LIMIT = 5
    spellings = ["ｐpw-login", "pｐw-login", "ppｗ-login", "ppw－login", "ｐｐｗ-ｌｏｇｉｎ"]
    assert login(Client(), spellings[-1], PW).status_code == 302  # they do sign in to ppw-login
    for n, name in enumerate(spellings, start=1):
        assert errors(login(_from(n), name, "wrong-password")) == [GENERIC_ERROR]
    assert errors(login(_from(6), "ppw-login", PW)) == [locked_error()]
    assert errors(login(_from(7), "ｐpw-login", PW)) == [locked_error()]


def test_a_successful_sign_in_resets_the_account_counter_for_every_address(ppw, settings, clock):
    settings.LOGIN_FAILURE_LIMIT = 5
    for n in range(1, 5):  # 4 of 5
        login(_from(n), "ppw-login", "wrong-password")
    assert login(_from(5), "ppw-login", PW).status_code == 302  # back to 0
    for n in range(6, 10):  # 4 of 5 again: 8 in the window, 4 since the sign-in
        login(_from(n), "ppw-login", "wrong-password")
    assert login(_from(10), "ppw-login", PW).status_code == 302
