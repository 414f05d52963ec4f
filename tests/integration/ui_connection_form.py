"""`make test-ui`: the ``vercel`` connection form in Airflow 3's UI, checked in headless Chromium.

What it does, all on loopback, in a throwaway ``AIRFLOW_HOME`` (SQLite):

1. ``airflow db migrate``, then ``airflow api-server`` with the SimpleAuthManager in all-admins mode
   (``[core] simple_auth_manager_all_admins = True``: every request is an admin, no login page);
2. asks the UI's own endpoint ``/ui/connections/hook_meta`` what it will draw for type ``vercel``;
3. starts headless Chromium (fresh ``--user-data-dir``) and drives it through the DevTools protocol
   over its websocket (the ``websockets`` package is an Airflow 3 dependency, so no chromedriver or
   selenium): Admin > Connections > "Add Connection", Connection Type "Vercel";
4. checks the form: "API token" is a password input, "API base URL" has the placeholder
   ``https://api.vercel.com``, "Team ID" and "Team slug" are there, Login / Port / Schema are not;
5. saves screenshots to ``artifacts/ui/vercel-connection-form.png`` (standard fields) and
   ``artifacts/ui/vercel-connection-form-extra-fields.png`` (the "Extra Fields" section; the form shows
   one section at a time).

Every process it starts (api-server, Chromium, and their children) is stopped by process group id,
also on failure or Ctrl-C. Exit status: 0 all checks passed, 1 a check failed, 2 could not set up.

    .venv/bin/python tests/integration/ui_connection_form.py [--chromium PATH] [--out DIR] [--keep-home]
    .venv/bin/python tests/integration/ui_connection_form.py --install-chromium   # apt-get, only if missing
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,960",
)
SCREENSHOT = "vercel-connection-form.png"
SCREENSHOT_EXTRA = "vercel-connection-form-extra-fields.png"
SCREENSHOT_FAILURE = "vercel-connection-form-failure.png"
EXPECTED_PLACEHOLDER = "https://api.vercel.com"


class SetupError(Exception):
    """Something needed for the check is missing or did not start (exit 2)."""


def find_chromium(explicit: str | None) -> str | None:
    """The Chromium binary: ``--chromium``, ``$CHROMIUM``, or the first of the usual names on PATH."""
    for candidate in (explicit, os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def install_chromium() -> int:
    """Install Chromium from the distribution's packages (Debian/Ubuntu apt) if it is missing."""
    if path := find_chromium(None):
        print(f"Chromium already installed: {path}")
        return 0
    apt = shutil.which("apt-get")
    if apt is None:
        print("Chromium is missing and apt-get is not available: install Chromium, or pass --chromium", file=sys.stderr)
        return 2
    sudo: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            print("installing Chromium needs root (apt-get install -y chromium)", file=sys.stderr)
            return 2
        sudo = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    started = time.monotonic()
    for cmd in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "--no-install-recommends", "chromium"]):
        print("+", " ".join([*sudo, *cmd]), flush=True)
        if subprocess.run([*sudo, *cmd], env=env, check=False).returncode != 0:
            return 2
    print(f"Chromium installed in {time.monotonic() - started:.1f}s: {find_chromium(None)}")
    return 0 if find_chromium(None) else 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, probe: Callable[[], Any], timeout: float, interval: float = 0.25) -> Any:
    """Call ``probe`` until it returns something truthy; SetupError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if result := probe():
                return result
        except Exception as exc:  # the thing is not up yet
            last_error = exc
        time.sleep(interval)
    raise SetupError(f"timed out after {timeout:.0f}s waiting for {what}" + (f" ({last_error})" if last_error else ""))


class Processes:
    """Processes started in their own session, stopped by process group id (children included)."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
        with log.open("ab") as out:
            proc = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        self.started.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for name, proc in reversed(self.started):
            self._stop(name, proc)
        self.started.clear()

    @staticmethod
    def _stop(name: str, proc: subprocess.Popen) -> None:
        for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)  # the group this script created for the process
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=grace)
                # the leader is gone; make sure no child of its group lingers
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                break
            except subprocess.TimeoutExpired:
                print(f"  {name} (pid {proc.pid}) ignored {sig.name}", flush=True)


class DevTools:
    """A minimal Chrome DevTools protocol client for one page target."""

    def __init__(self, websocket: Any) -> None:
        self._ws = websocket
        self._ids = itertools.count(1)

    def send(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:  # events arrive in between; skip them
            message = json.loads(self._ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error: {result['exceptionDetails'].get('exception', result['exceptionDetails'])}")
        return result["result"].get("value")

    def click(self, find_element_js: str) -> None:
        """A real mouse click in the middle of the element the JS expression returns."""
        x, y = self.js(
            f"(() => {{ const el = {find_element_js}; el.scrollIntoView({{block: 'center'}});"
            " const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


# JavaScript run in the page. Fields are described by their form label (Chakra: the label of the field root).
FIELDS_JS = """
[...document.querySelectorAll('[role=dialog] input, [role=dialog] textarea')].map(el => {
  const root = el.closest('[data-part=root]');
  const label = root && root.querySelector('[data-part=label]');
  return {name: el.name || '', type: el.type, placeholder: el.placeholder || '',
          label: label ? label.innerText.replace('*', '').trim() : '', visible: el.offsetParent !== null};
})
"""
BUTTON_JS = "[...document.querySelectorAll({scope!r})].find(b => b.innerText.trim() === {text!r})"


class Check:
    """Collects named pass/fail results and prints each as it comes."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def __call__(self, ok: bool, what: str, detail: Any = "") -> bool:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}" + ("" if ok or detail == "" else f": {detail}"), flush=True)
        if not ok:
            self.failures.append(what)
        return ok


def airflow_env(home: Path, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__API_AUTH__JWT_SECRET": os.urandom(24).hex(),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    return env


def api_get(base: str, path: str) -> Any:
    """GET a JSON endpoint of the api-server as the all-admins user.

    Airflow 3.3 adds the admin's token to every request itself; older 3.x lines answer 401 unless the
    request carries the token that ``GET /auth/token`` hands out in all-admins mode.
    """
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise
    with urllib.request.urlopen(f"{base}/auth/token", timeout=30) as response:
        token = json.load(response)["access_token"]
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def check_hook_meta(base: str, check: Check) -> None:
    """What the UI's API says it will draw for ``vercel`` (the browser check below is the real proof)."""
    meta = {item["connection_type"]: item for item in api_get(base, "/ui/connections/hook_meta")}
    vercel = meta.get("vercel")
    if not check(vercel is not None, "hook_meta lists connection type 'vercel'", sorted(meta)[:20]):
        return
    # Airflow < 3.2 without wtforms/FAB sends null here: no customisation at all.
    standard, extra = vercel.get("standard_fields") or {}, vercel.get("extra_fields") or {}
    check(vercel["hook_name"] == "Vercel", "hook_meta: hook name 'Vercel'", vercel["hook_name"])
    hidden = {name: (standard.get(name) or {}).get("hidden") for name in ("login", "port", "url_schema")}
    check(all(hidden.values()), "hook_meta: login/port/schema hidden", hidden)
    password, host = standard.get("password") or {}, standard.get("host") or {}
    check(password.get("title") == "API token", "hook_meta: password titled 'API token'", password)
    check(
        host.get("title") == "API base URL" and host.get("placeholder") == EXPECTED_PLACEHOLDER,
        "hook_meta: host titled 'API base URL' with the placeholder",
        host,
    )
    titles = {name: (field.get("schema") or {}).get("title") for name, field in extra.items()}
    check(
        titles.get("team_id") == "Team ID" and titles.get("team_slug") == "Team slug",
        "hook_meta: extra fields Team ID and Team slug",
        titles,
    )


def check_form(page: DevTools, base: str, out: Path, check: Check) -> None:
    page.send("Page.enable")
    page.send("Runtime.enable")
    # Open the UI once first: on Airflow 3.1 the all-admins login redirects to the home page, not back.
    page.send("Page.navigate", url=f"{base}/")
    wait_for("the UI's home page", lambda: "Admin" in (page.js("document.body ? document.body.innerText : ''") or ""), 60)
    page.send("Page.navigate", url=f"{base}/connections")
    add_button = BUTTON_JS.format(scope="button", text="Add Connection")
    wait_for("the Connections page", lambda: page.js(f"!!{add_button}"), 60)
    page.click(add_button)
    combobox = "document.querySelector('[role=dialog] input[role=combobox]')"
    wait_for("the Add Connection dialog", lambda: page.js(f"!!{combobox}"), 20)

    # Connection Type is a react-select: type to filter, then Enter picks the highlighted option.
    page.js(f"{combobox}.focus()")
    page.send("Input.insertText", text="Vercel")
    options = wait_for(
        "the 'Vercel' option",
        lambda: page.js("[...document.querySelectorAll('[role=dialog] [role=option]')].map(o => o.innerText.trim())"),
        20,
    )
    check(options == ["Vercel"], "connection type list offers 'Vercel'", options)
    page.press_enter()
    wait_for(
        "the Vercel form fields",
        lambda: page.js("!!document.querySelector('[role=dialog] input[name=host]')"),
        20,
    )
    time.sleep(0.5)  # let the accordion finish its opening animation before the screenshot
    selected = page.js(f"{combobox}.closest('[data-part=root]').innerText")
    check("Vercel" in selected, "connection type shows 'Vercel'", selected)

    fields = {f["name"]: f for f in page.js(FIELDS_JS) if f["visible"] and f["name"]}
    page.js("document.activeElement && document.activeElement.blur()")
    page.screenshot(out / SCREENSHOT)
    print(f"  screenshot: {out / SCREENSHOT}", flush=True)

    token = fields.get("password", {})
    check(
        token.get("label") == "API token" and token.get("type") == "password",
        "'API token' is a password input",
        token or sorted(fields),
    )
    host = fields.get("host", {})
    check(
        host.get("label") == "API base URL" and host.get("placeholder") == EXPECTED_PLACEHOLDER,
        f"'API base URL' shows the placeholder {EXPECTED_PLACEHOLDER}",
        host or sorted(fields),
    )
    labels = {f["label"] for f in page.js(FIELDS_JS)}
    for hidden, label in (("login", "Login"), ("port", "Port"), ("schema", "Schema")):
        check(hidden not in fields and label not in labels, f"{label} is hidden", fields.get(hidden))

    # The form shows one section at a time: open "Extra Fields" for the team fields.
    extra_button = BUTTON_JS.format(scope="[role=dialog] button", text="Extra Fields")
    if not check(page.js(f"!!{extra_button}"), "the form has an 'Extra Fields' section"):
        return
    page.click(extra_button)
    wait_for(
        "the Extra Fields section",
        lambda: page.js("(() => { const el = document.querySelector('[role=dialog] input[name=element_team_id]');"
                        " return !!el && el.offsetParent !== null; })()"),
        20,
    )
    time.sleep(0.5)
    extras = {f["name"]: f for f in page.js(FIELDS_JS) if f["visible"] and f["name"]}
    page.screenshot(out / SCREENSHOT_EXTRA)
    print(f"  screenshot: {out / SCREENSHOT_EXTRA}", flush=True)
    for name, label in (("element_team_id", "Team ID"), ("element_team_slug", "Team slug")):
        field = extras.get(name, {})
        check(field.get("label") == label and field.get("type") == "text", f"'{label}' text field", field or sorted(extras))


def run(args: argparse.Namespace) -> int:
    chromium = find_chromium(args.chromium)
    if chromium is None:
        raise SetupError("Chromium not found (apt-get install -y chromium, or pass --chromium PATH)")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in (SCREENSHOT, SCREENSHOT_EXTRA, SCREENSHOT_FAILURE):
        (out / name).unlink(missing_ok=True)
    home = Path(tempfile.mkdtemp(prefix="apv-ui-airflow-home-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = airflow_env(home, port)
    airflow = [sys.executable, "-m", "airflow"]
    procs = Processes()
    check = Check()
    started = time.monotonic()
    print(f"AIRFLOW_HOME={home}  api-server {base}  chromium {chromium}", flush=True)
    try:
        migrate = subprocess.run(
            [*airflow, "db", "migrate"], env=env, capture_output=True, text=True, timeout=300, cwd=home, check=False
        )
        if migrate.returncode != 0:
            raise SetupError(f"airflow db migrate failed:\n{(migrate.stdout + migrate.stderr)[-3000:]}")
        print(f"  db migrated ({time.monotonic() - started:.1f}s)", flush=True)

        api_log = home / "api-server.log"
        api = procs.start("api-server", [*airflow, "api-server", "--host", "127.0.0.1", "--port", str(port)], api_log, env)

        def api_ready() -> bool:
            if api.poll() is not None:
                raise SetupError(f"api-server exited with {api.returncode}:\n{api_log.read_text()[-3000:]}")
            with urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5) as response:
                return response.status == 200

        wait_for("the api-server", api_ready, args.timeout)
        print(f"  api-server up ({time.monotonic() - started:.1f}s)", flush=True)
        check_hook_meta(base, check)

        profile = home / "chromium-profile"
        browser = procs.start(
            "chromium",
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            home / "chromium.log",
            env,
        )

        def devtools_port() -> str | None:
            if browser.poll() is not None:
                raise SetupError(f"Chromium exited with {browser.returncode}:\n{(home / 'chromium.log').read_text()[-3000:]}")
            active = profile / "DevToolsActivePort"
            return active.read_text().split()[0] if active.exists() and active.read_text().strip() else None

        devtools = wait_for("Chromium's DevTools port", devtools_port, 30)
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools}/json/list", timeout=10) as response:
            targets = [t for t in json.load(response) if t.get("type") == "page"]
        from websockets.sync.client import connect  # an Airflow 3 dependency

        with connect(targets[0]["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024, open_timeout=10) as websocket:
            page = DevTools(websocket)
            try:
                check_form(page, base, out, check)
            except Exception:
                page.screenshot(out / SCREENSHOT_FAILURE)  # what the page showed when it went wrong
                print(f"  screenshot of the failure: {out / SCREENSHOT_FAILURE}", flush=True)
                raise
    except SetupError:
        raise
    except Exception as exc:  # a broken page or protocol error is a failed check, with its traceback
        import traceback

        traceback.print_exc()
        check(False, "the browser check ran to the end", f"{type(exc).__name__}: {exc}")
    finally:
        procs.stop_all()
        if args.keep_home:
            print(f"  kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    print(f"{'PASSED' if not check.failures else 'FAILED'} in {time.monotonic() - started:.1f}s", flush=True)
    return 0 if not check.failures else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", help="Chromium binary (default: $CHROMIUM or chromium on PATH)")
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "ui"), help="screenshot folder (default artifacts/ui)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the api-server")
    parser.add_argument("--keep-home", action="store_true", help="keep the throwaway AIRFLOW_HOME (logs) for debugging")
    parser.add_argument(
        "--install-chromium", action="store_true", help="only install Chromium with apt-get if it is missing, then exit"
    )
    args = parser.parse_args(argv)
    if args.install_chromium:
        return install_chromium()

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)  # so `finally` stops the processes on SIGTERM too
    try:
        return run(args)
    except SetupError as exc:
        print(f"SETUP ERROR: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
