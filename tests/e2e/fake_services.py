"""A loopback fake of the CRM and the Slack webhook for tests/e2e/http-rules.sh.

Listens on 127.0.0.1 only, answers POST /v2/lookup with a CRM record and POST /services/... with "ok", and appends
every request it receives (method, path, body) as one JSON line to the file given, so the script can check what the
rules sent. usage: python3 fake_services.py PORT REQUESTS.jsonl
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log_path = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode("utf-8")
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"method": "POST", "path": self.path, "body": body}) + "\n")
        if self.path == "/v2/lookup":
            self.answer(200, json.dumps({"tier": "gold", "accountManager": "Sam Ortiz"}), "application/json")
        elif self.path.startswith("/services/"):
            self.answer(200, "ok", "text/plain")
        else:
            self.answer(404, "{}", "application/json")

    def answer(self, status, text, content_type):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
