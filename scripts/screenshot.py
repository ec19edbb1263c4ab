"""Take screenshots of pages of a running MAUD Pathways server, logged in as a demo user.

    python scripts/screenshot.py --user peer --out /tmp/shots /patients/ /staff/

Uses Debian's chromium (/usr/bin/chromium) through Playwright; never downloads a browser.
"""

import argparse
import os
import re

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="clinician")
    parser.add_argument("--password", default="pathways-demo-2026")
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--full", action="store_true", help="capture the full page height")
    parser.add_argument("--language", default="en", help="the browser's language (Accept-Language), e.g. es")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale=args.language)
        page.goto(args.base + "/accounts/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.click("button[type=submit]")
        for path in args.paths:
            page.goto(args.base + path)
            name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
            suffix = "" if args.language == "en" else f"_{args.language}"
            target = os.path.join(args.out, f"{args.user}_{name}_{args.width}{suffix}.png")
            page.screenshot(path=target, full_page=args.full)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
