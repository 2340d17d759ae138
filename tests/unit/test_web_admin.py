"""Administration in the browser: accounts, roles, disabling, resets, tokens, own password."""

import re

import pytest

from invoicepipe.errors import StateConflict
from invoicepipe.services.users import list_users, set_active, set_role
from tests.web_helpers import PASSWORD, client_for, log_in, person


def post(client, path, **data):
    return client.post(path, data={"csrf_token": client.csrf, **data}, follow_redirects=False)


def test_only_admins_reach_the_accounts_page(app):
    assert person(app, "anna").get("/admin/users").status_code == 403
    admin = person(app, "ada", "admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and 'data-user="anna"' in page.text


def test_an_admin_creates_people_and_integrations_with_secrets_shown_once(app):
    admin = person(app, "ada", "admin")
    made = post(admin, "/admin/users", username="bert", role="reviewer")
    password = re.search(r'id="secret-value">([^<]+)<', made.text).group(1)
    bert = client_for(app)
    assert log_in(bert, "bert", password).status_code == 303
    assert password not in admin.get("/admin/users").text  # shown once
    erp = post(admin, "/admin/users", username="erp", role="integrator")
    token = re.search(r'id="secret-value">([^<]+)<', erp.text).group(1)
    assert token.startswith("ipt_") and client_for(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert post(admin, "/admin/users", username="bert", role="reviewer").status_code == 409


def test_disable_role_reset_and_revoke_take_effect_at_once(app):
    admin, anna = person(app, "ada", "admin"), person(app, "anna")
    assert post(admin, "/admin/users/anna/role", role="controller").status_code == 303
    assert anna.get("/audit").status_code == 200  # the session reads the new role
    assert post(admin, "/admin/users/anna/disable").status_code == 303
    assert anna.get("/api/me").status_code == 401 and not [u for u in list_users(app) if u["username"] == "anna"][0]["active"]
    assert post(admin, "/admin/users/anna/enable").status_code == 303
    reset = post(admin, "/admin/users/anna/reset")
    new = re.search(r'id="secret-value">([^<]+)<', reset.text).group(1)
    assert log_in(client_for(app), "anna", PASSWORD).status_code == 401 and log_in(client_for(app), "anna", new).status_code == 303
    issued = post(admin, "/admin/users/anna/token", label="scripts")
    token = re.search(r'id="secret-value">([^<]+)<', issued.text).group(1)
    token_id = re.search(r'data-token="(tok_[0-9a-f]+)"', admin.get("/admin/users").text).group(1)
    assert post(admin, f"/admin/tokens/{token_id}/revoke").status_code == 303
    assert client_for(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert post(admin, "/admin/users/ada/disable").status_code == 409  # not yourself


def test_the_last_admin_cannot_be_disabled_or_demoted(app):
    person(app, "ada", "admin")
    with pytest.raises(StateConflict, match="last active admin"):
        set_active(app, "ada", False, "user:ops")
    with pytest.raises(StateConflict, match="last active admin"):
        set_role(app, "ada", "reviewer", "user:ops")


def test_a_person_changes_their_own_password_and_other_sessions_end(app):
    here, elsewhere = person(app, "anna"), client_for(app)
    assert log_in(elsewhere, "anna").status_code == 303
    wrong = post(here, "/account/password", current_password="nope", new_password="a-new-long-passphrase", repeat_password="a-new-long-passphrase")
    assert wrong.status_code == 403
    weak = post(here, "/account/password", current_password=PASSWORD, new_password="password1234", repeat_password="password1234")
    assert weak.status_code == 422
    done = post(here, "/account/password", current_password=PASSWORD, new_password="a-new-long-passphrase",
                repeat_password="a-new-long-passphrase")
    assert done.status_code == 303
    assert here.get("/api/me").status_code == 200 and elsewhere.get("/api/me").status_code == 401
    assert log_in(client_for(app), "anna", "a-new-long-passphrase").status_code == 303
