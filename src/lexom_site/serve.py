"""`lexom-site serve`: build, serve the site on 127.0.0.1, rebuild on change,
reload the open pages.

The build is the ordinary incremental build into the output folder; the
watcher (watchfiles) rebuilds when a file of content/, templates/, assets/
or site.yaml changes. Every HTML page served carries a small script that
asks `/__lexom__/status` whether the site changed and reloads the page. When
a rebuild fails, the errors are printed in the terminal and every page shows
them (file, line, message) until they are fixed; the last good build stays
on disk, and the server keeps running.

When only course files changed, the quick step comes first (build/preview.py):
the changed files are checked with the whole catalogue, their pages and the
pages listing the courses rendered, and shown at once from memory (each page
whole: `LiveState.overlay`), while the whole build (PDF sheets, printed
catalogue, search index, every check) runs in the background and publishes
the complete site in one rename when it is done. Until then a link to a PDF
being made again is shown without its address, with a note saying so (as is
a link to a PDF that is not there at all): the site served never links to a
missing or outdated PDF. `/__lexom__/status` says what is pending (docs/editors.md).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import logging
import os
import posixpath
import threading
import urllib.parse
import time
from pathlib import Path
from typing import Callable

from .build.staging import check_output_dir
from .diagnostics import BuildError, Diagnostic
from .i18n import _, language, number
from .paths import CONFIG_FILE, INPUT_DIRS, ignored
from .live import Live, LiveState, mark_pdf_links

STATUS_PATH = "/__lexom__/status"

RELOAD_SCRIPT = """<script>/* lexom-site serve: reload when the site is rebuilt */
(function () {
  var seen = null;
  function poll() {
    fetch("%s" + (seen === null ? "" : "?after=" + seen), {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version; setTimeout(poll, 0);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>""" % STATUS_PATH
LONG_POLL = 25.0  # s: a status request with ?after=VERSION is answered once the version is past it, or then


def error_page(state: LiveState) -> bytes:
    with state.lock:
        items = ["<li>" + _("{location}: {message}").format(location=f"<code>{html.escape(d.location())}</code>",
                                                            message=html.escape(d.message))
                 + (f"<br><small>{html.escape(_('hint: {hint}').format(hint=d.hint))}</small>" if d.hint else "")
                 + "</li>" for d in state.errors]
        if state.failure:
            items.append(f"<li>{html.escape(state.failure)}</li>")
    return (f"<!DOCTYPE html><html lang=\"{language()}\"><head><meta charset=\"utf-8\"><title>"
            + html.escape(_("Errors — lexom-site serve")) + "</title>"
            "<style>body{font:16px/1.5 sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b2330}"
            "h1{color:#9b1c1c}li{margin:.6rem 0}code{background:#f3f4f6;padding:0 .2rem}</style></head><body>"
            "<h1>" + html.escape(_("The site could not be rebuilt")) + "</h1><p>"
            + html.escape(_("Fix these errors; the page reloads by itself as soon as the site is rebuilt."))
            + "</p><ul>" + "".join(items) + "</ul>" + RELOAD_SCRIPT + "</body></html>").encode("utf-8")


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}  # a page of another site may not read this one (DNS rebinding)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder, and nothing else: requests naming another host
    are refused, and so is a file outside the folder, even through a link."""

    state: LiveState

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for build messages
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _refused(self) -> bool:
        """Answer and return True when the request may not be served."""
        host = self.headers.get("Host", "").strip().lower()
        name = host.split("]", 1)[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
        if name not in LOCAL_HOSTS:
            self.send_error(403, explain=_("this server answers requests for 127.0.0.1 or localhost only"))
            return True
        path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        if "\x00" in path:
            self.send_error(400)
            return True
        root = os.path.realpath(self.directory)
        local = os.path.realpath(self.translate_path(self.path))
        if local != root and not local.startswith(root + os.sep):  # a link out of the folder
            self.send_error(404)
            return True
        return False

    def _settled(self) -> None:
        """The build swaps the new site in with two renames: between them, the folder is not there for a moment."""
        for _attempt in range(200):
            if os.path.isdir(self.directory):
                return
            time.sleep(0.005)

    def do_HEAD(self) -> None:
        if not self._refused():
            self._settled()
            super().do_HEAD()

    def do_GET(self) -> None:
        if self._refused():
            return
        path, _mark, query = self.path.split("#", 1)[0].partition("?")
        if path == STATUS_PATH:
            after = urllib.parse.parse_qs(query).get("after", [""])[0]
            if after.lstrip("-").isdigit():
                self.state.wait(int(after), LONG_POLL)
            return self._send(json.dumps(self.state.status()).encode(), "application/json")
        is_page = path.endswith("/") or path.endswith(".html")
        if is_page and not self.state.status()["ok"]:
            return self._send(error_page(self.state), "text/html; charset=utf-8")
        if is_page:
            site_path = posixpath.normpath(urllib.parse.unquote(path).lstrip("/") or ".")
            site_path = "index.html" if site_path == "." else site_path + ("/index.html" if path.endswith("/") else "")
            in_memory, page = self.state.page(site_path)
            if in_memory and page is None:  # a course removed: its page is gone
                self.send_error(404)
                return
            if not in_memory:
                self._settled()
                local = Path(self.translate_path(path))
                local = local / "index.html" if local.is_dir() else local
                page = local.read_bytes() if local.is_file() else None
            if page is not None:
                page = mark_pdf_links(page, site_path, self.state, Path(self.directory))
                page = page.replace(b"</body>", RELOAD_SCRIPT.encode() + b"</body>", 1)
                return self._send(page, "text/html; charset=utf-8")
        self._settled()
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # (5 by default: a burst of requests from a page and its assets was refused)

    def handle_error(self, request, client_address) -> None:  # a broken request is not the editor's concern
        pass


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What tells that a file changed, or was replaced or removed: inode, size, modification time."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def serve(root: Path, out_dir: Path, port: int, rebuild: Callable[[], None],
          echo: Callable[[str], None], report: Callable[[list[Diagnostic]], None],
          stop: threading.Event | None = None, *, pdf: bool = True) -> None:
    """Build once, serve `out_dir` on 127.0.0.1:`port`, rebuild on every change until `stop` (or Ctrl-C):
    the quick step at once in the watcher's thread, the whole build in this one (see live.py). `pdf`: whether
    `rebuild` makes the PDFs."""
    from .build.pages import TemplatePage
    from .build.pipeline import OUTPUTS

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # its own "stopping watch" notice is noise here
    stop = stop or threading.Event()
    live = Live(root, out_dir, rebuild, tuple(kind for kind in OUTPUTS if isinstance(kind, TemplatePage)),
                echo, report, pdf=pdf)
    state = live.state

    def build_now() -> None:
        live.starting()
        started = time.perf_counter()
        try:
            rebuild()
            errors, failure = [], None
        except BuildError as exc:
            errors, failure = exc.diagnostics, None
        except Exception as exc:  # keep serving: the editor sees it and can go on
            errors, failure = [], _("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}")
        live.built(errors, failure, time.perf_counter() - started)
        if errors:
            report(errors)
        elif failure:
            echo(f"lexom-site: {failure}")
        else:
            echo(_("Rebuilt in {seconds} s.").format(seconds=number(time.perf_counter() - started)))

    check_output_dir(out_dir, root)  # a folder the build would refuse is not served either
    build_now()
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(type("BoundHandler", (Handler,), {"state": state}), directory=str(out_dir))
    server = Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    echo(_("Serving {out} on {address} (Ctrl-C to stop)").format(
        out=out_dir, address=f"http://127.0.0.1:{server.server_address[1]}/"))
    watcher = threading.Thread(target=_watch, args=(root, live, stop), name="watch", daemon=True)
    watcher.start()
    try:
        live.build_when_asked(stop, build_now)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=5)
        echo(_("Stopped."))


def _watch(root: Path, live: Live, stop: threading.Event) -> None:
    """Tell `live` of every change of the inputs, until `stop`."""
    import watchfiles  # imported when serving only: the other commands do not need it

    # the input folders are watched; site.yaml is looked at on every wake-up: an editor that saves by writing a
    # new file and renaming it over the old one leaves a watch on the file itself watching nothing
    watched = [str(root / folder) for folder in INPUT_DIRS if (root / folder).is_dir()]
    config = root / CONFIG_FILE
    seen = _identity(config)
    for changes in watchfiles.watch(*watched, stop_event=stop, debounce=300, step=20, raise_interrupt=False,
                                    watch_filter=lambda change, path: not ignored(os.path.basename(path)),
                                    rust_timeout=400, yield_on_timeout=True):
        now = _identity(config)
        if changes or now != seen:
            live.changed([Path(path) for _, path in changes], now != seen)
            seen = now
