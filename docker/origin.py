"""The protected origin of the worked example: a tiny ticket site that trusts the proxy in front of
it to have asked foyer's gate, and greets the visitor the gate named."""
import html
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Origin(BaseHTTPRequestHandler):
    def do_GET(self):
        visitor = html.escape(self.headers.get("X-Foyer-Visitor", "?"))
        event = html.escape(self.headers.get("X-Foyer-Event", "?"))
        body = ("<!doctype html><title>Tickets</title><h1>Tickets for %s</h1>"
                "<p>Welcome, visitor %s: foyer let you in.</p>" % (event, visitor)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("0.0.0.0", 8000), Origin).serve_forever()
