"""
Take the README's screenshots from the running demo (``make demo``), one persona at a time, in headless Chromium.

Usage: ``.venv/bin/python scripts/demo_screenshots.py [http://127.0.0.1:8000]``. The pictures are written to
docs/screenshots/. The demo's data is what they show, so they are re-taken whenever the pages or the demo change.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "demo-pass"  # noqa: S105 -- the demo personas' published password
# (username, path, file name)
SHOTS = [
    ("alex", "/perf-mgmt/", "learner-home"),
    ("priya", "/perf-mgmt/team/", "manager-my-team"),
    ("tomas", "/perf-mgmt/team/", "senior-manager-my-team"),
    ("helen", "/perf-mgmt/people/", "hr-people"),
    ("helen", "/perf-mgmt/org-chart/", "hr-org-chart"),
    ("helen", "/perf-mgmt/org-import/", "hr-org-import"),
    ("jordan", "/perf-mgmt/courses/", "course-staff-courses"),
    ("helen", "/perf-mgmt/api/docs/", "api-docs"),
    ("alex", "/perf-mgmt/competencies/", "learner-my-competencies"),
    ("helen", "/perf-mgmt/gap-audit/", "hr-gap-audit"),
    ("alex", "/perf-mgmt/plan/", "learner-my-plan"),
    ("priya", "/perf-mgmt/team/plans/", "manager-team-plans"),
    ("alex", "/perf-mgmt/objectives/", "learner-my-objectives"),
    ("priya", "/perf-mgmt/strategy/team/", "manager-strategy-dashboard"),
    ("tomas", "/perf-mgmt/strategy/cascade/", "senior-manager-cascade"),
    ("priya", "/courses/course-v1:Northwind+LEAD101+2026/", "course-page-xblocks"),
    ("alex", "/perf-mgmt/reviews/", "learner-my-reviews"),
    ("priya", "/perf-mgmt/reviews/team/", "manager-team-reviews"),
    ("priya", "/perf-mgmt/reviews/16/", "manager-review-page"),  # Bianca's review on a freshly loaded demo
    ("helen", "/perf-mgmt/review-cycles/2/", "hr-review-cycle"),
    ("helen", "/perf-mgmt/review-templates/", "hr-review-templates"),
    # lane host: the requirements editor's preview (Software Engineer, copying the Engineering Manager's set) and a
    # blended module's course page (taken after answering the check, by hand, for docs/screenshots)
    ("helen", "/perf-mgmt/competencies/positions/7/requirements/?copy_from=6", "hr-position-requirements"),
    ("alex", "/courses/course-v1:Northwind+PLAN101+2026/", "learner-module-page"),
]


def main(base):
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for username, path, name in SHOTS:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state("networkidle")
            response = page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if response is None or response.status != 200:
                raise SystemExit(f"{username} {path}: HTTP {response and response.status}")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            print(f"{name}.png  ({username} {path})")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
