"""Every page passes the axe-core rules (WCAG 2.1 A/AA) that matter: no serious or critical
violation. axe-core's own rule set (shipped inside the axe-playwright-python package) runs
in Debian's Chromium against the live pages."""

import pytest

from tests.e2e.site import login

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def pages(site) -> list[str]:
    doc, rejected = site.docs["price"], site.docs["script_vendor"]
    return ["/queue", f"/documents/{doc}", "/search?vendor=acme", "/upload", "/audit", "/audit/verify", f"/documents/{doc}/why",
            f"/documents/{doc}/trail", "/admin/users", "/account/password", f"/documents/{rejected}"]


def test_every_page_has_no_serious_accessibility_violation(page, site):
    page.goto(f"{site.url}/login")
    found = {"/login": axe_violations(page)}
    login(page, site, "ada")
    for path in pages(site):
        page.goto(f"{site.url}{path}")
        found[path] = axe_violations(page)
    report = [f"{path}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes'][:3]]}: {v['help']}"
              for path, vs in found.items() for v in vs]
    if report:
        pytest.fail("\n".join(report), pytrace=False)
