"""Lets an event send its admitted visitors back to a site: adds the site's /.foyer/return to the
event's returnUrls and the site's origin to its corsOrigins through foyer's admin API, keeping what
they list already; creates the event (gate on, 5 x 10 seats) when there is none.

    FOYER_ADMIN_KEY=... python3 site-event.py FOYER_URL EVENT SITE_ORIGIN [SITE_ORIGIN...]
"""
import json
import os
import sys
import urllib.error
import urllib.request


def call(method, url, key, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def main(foyer, event, origins):
    key = os.environ.get("FOYER_ADMIN_KEY", "")
    admin = foyer.rstrip("/") + "/api/admin/events/" + event
    returns = [o + "/.foyer/return" for o in origins]
    status, stats = call("GET", admin + "/stats", key)
    if status == 404:
        status, answer = call("PUT", admin, key, {
            "name": "Demo (" + event + ")", "seats": {"sections": [{"name": "A", "rows": 5, "seatsPerRow": 10}]},
            "settings": {"gate": "on", "returnUrls": returns, "corsOrigins": origins}})
        what = "created"
    elif status == 200:
        settings = stats.get("settings", {})
        status, answer = call("PUT", admin + "/settings", key, {
            "returnUrls": merged(settings.get("returnUrls", []), returns),
            "corsOrigins": merged(settings.get("corsOrigins", []), origins)})
        what = "updated"
    else:
        answer = stats
    if status not in (200, 201):
        sys.exit("site-event: foyer answered %s %s" % (status, json.dumps(answer)))
    settings = answer.get("settings", {})
    print("site-event: %s event '%s': returnUrls %s, corsOrigins %s"
          % (what, event, settings.get("returnUrls"), settings.get("corsOrigins")))


def merged(listed, wanted):
    return listed + [w for w in wanted if w not in listed]


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
