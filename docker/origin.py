"""The protected origin of the worked example: a tiny ticket site that trusts the proxy in front of
it to have asked foyer's gate, and greets the visitor the gate named. It listens on ORIGIN_HOST
and ORIGIN_PORT (0.0.0.0:8000 unless set)."""
import html
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Origin(BaseHTTPRequestHandler):
    def do_GET(self):
        visitor = html.escape(self.headers.get("X-Foyer-Visitor", "?"))
        event = html.escape(self.headers.get("X-Foyer-Event", "?"))
        if self.headers.get("X-Foyer-Gate") == "unavailable":
            # the proxy let this buyer in unchecked (FOYER_DOWN=open) while foyer's gate was down
            greeting = "<p>The waiting room is unavailable, so you came straight in.</p>"
        else:
            greeting = "<p>Welcome, visitor %s: foyer let you in.</p>" % visitor
        body = ("<!doctype html><title>Tickets</title><h1>Tickets for %s</h1>%s" % (event, greeting)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer((os.environ.get("ORIGIN_HOST", "0.0.0.0"), int(os.environ.get("ORIGIN_PORT", "8000"))),
                    Origin).serve_forever()
