"""v1 test apps: scripts run with bandwidth-sdk 3.0.3 that serve callbacks and call REST back.

`APP_PRELUDE` starts a threaded HTTP server that records every callback (method, path, the
`User-Agent`, `Content-Type` and `Authorization` headers, the JSON body or the query) and hands
it to `on_event(path, event)`, which the script defines; the script places calls, then waits
for `finished` and prints what it saw as JSON.
"""

from __future__ import annotations

from .conftest import SDK_PRELUDE

APP_PRELUDE = (
    SDK_PRELUDE
    + """
import base64, threading, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import io, wave
_buffer = io.BytesIO()
with wave.open(_buffer, "wb") as _wav:
    _wav.setnchannels(1)
    _wav.setsampwidth(2)
    _wav.setframerate(8000)
    _wav.writeframes(bytes(16000))
WAV = _buffer.getvalue()
received = []
finished = threading.Event()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _record(self, event):
        entry = {
            "method": self.command,
            "path": urllib.parse.urlsplit(self.path).path,
            "userAgent": self.headers.get("User-Agent"),
            "contentType": self.headers.get("Content-Type"),
            "authorization": self.headers.get("Authorization"),
            "event": event,
        }
        with lock:
            received.append(entry)
        status = 200
        try:
            status = on_event(entry["path"], event) or 200
        except Exception as error:  # the test shows it
            with lock:
                received.append({"error": repr(error)})
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self._record(json.loads(self.rfile.read(length) or b"{}"))

    def do_GET(self):
        if self.path.endswith(".wav"):  # one second of silence, for /audio fileUrl
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(WAV)))
            self.end_headers()
            self.wfile.write(WAV)
            return
        query = urllib.parse.urlsplit(self.path).query
        self._record(dict(urllib.parse.parse_qsl(query)))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
APP = "http://127.0.0.1:%d" % server.server_address[1]


def control(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(URL + "/_ringback" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def events(kind=None):
    with lock:
        return [e["event"] for e in received if "event" in e and
                (kind is None or e["event"].get("eventType") == kind)]


def wait():
    if not finished.wait(30):
        raise SystemExit("the call did not finish: %r" % received)
"""
)
