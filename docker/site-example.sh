#!/usr/bin/env bash
# The worked example of a protected ticket site (docker/compose.yml's "site" and "origin") without
# Docker: docker/origin.py and nginx on the site template, on loopback ports, in front of a foyer
# that is already running. Ctrl-C (or the end of this script for any reason) stops both.
#
#   docker/site-example.sh [--foyer URL] [--event ID] [--site-port N] [--origin-port N]
#                          [--fail-open] [--setup-event --admin-key KEY]
#
# Each option has an environment variable too (the option wins): FOYER_URL (http://127.0.0.1:8080),
# FOYER_EVENT (demo), SITE_PORT (8081), ORIGIN_PORT (8000), FOYER_DOWN (closed, or open), and
# FOYER_ADMIN_KEY with SETUP_EVENT=1. --setup-event adds this site to the event's returnUrls and
# corsOrigins through the admin API, creating the event (gate on, 5 x 10 seats) when it is missing.
# Needs nginx, envsubst (gettext-base) and python3.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
foyer_url="${FOYER_URL:-http://127.0.0.1:8080}"
event="${FOYER_EVENT:-demo}"
site_port="${SITE_PORT:-8081}"
origin_port="${ORIGIN_PORT:-8000}"
foyer_down="${FOYER_DOWN:-closed}"
admin_key="${FOYER_ADMIN_KEY:-}"
setup="${SETUP_EVENT:-}"
nginx_bin="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --foyer) foyer_url="$2"; shift 2 ;;
    --event) event="$2"; shift 2 ;;
    --site-port) site_port="$2"; shift 2 ;;
    --origin-port) origin_port="$2"; shift 2 ;;
    --fail-open) foyer_down=open; shift ;;
    --setup-event) setup=1; shift ;;
    --admin-key) admin_key="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "site-example: unknown option $1" >&2; usage 2 >&2 ;;
  esac
done
case "$foyer_down" in closed|open) ;; *) echo "site-example: FOYER_DOWN is closed or open" >&2; exit 2 ;; esac
foyer_url="${foyer_url%/}"
# nginx reaches foyer where the browser does: the URL's host and port
authority="${foyer_url#*://}"
authority="${authority%%/*}"
case "$foyer_url" in
  http://*) case "$authority" in *:*) ;; *) authority="$authority:80" ;; esac ;;
  *) echo "site-example: --foyer takes an http:// URL (nginx's upstream here speaks plain HTTP)" >&2; exit 2 ;;
esac

dir="$(mktemp -d "${TMPDIR:-/tmp}/foyer-site.XXXXXX")"
# nginx's workers (another user when started as root) read their temp folders under it
chmod 755 "$dir"
origin_pid=""
nginx_pid=""
cleanup() {
  trap - EXIT INT TERM
  for pid in $nginx_pid $origin_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $nginx_pid $origin_pid; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
  echo "site-example: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export FOYER_UPSTREAM="$authority" ORIGIN_UPSTREAM="127.0.0.1:$origin_port" SITE_LISTEN="127.0.0.1:$site_port"
export WAITING_ROOM_ORIGIN="$foyer_url" FOYER_EVENT="$event" FOYER_DOWN="$foyer_down" SITE_PAGES="$here/pages"
# only these: nginx's own $variables in the template stay as they are
envsubst '${FOYER_UPSTREAM} ${ORIGIN_UPSTREAM} ${SITE_LISTEN} ${WAITING_ROOM_ORIGIN} ${FOYER_EVENT} ${FOYER_DOWN} ${SITE_PAGES}' \
  < "$here/templates/site.conf.template" > "$dir/site.conf"
# the nginx image's own nginx.conf, reduced: everything this run writes stays in $dir
cat > "$dir/nginx.conf" <<EOF
pid $dir/nginx.pid;
error_log $dir/error.log notice;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  include $dir/site.conf;
}
EOF
"$nginx_bin" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 100); do
    if listening "$1"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "site-example: $3 did not start on port $1; its log:" >&2
  cat "$dir/$3.log" >&2 || true
  exit 1
}
for port in "$site_port" "$origin_port"; do
  if listening "$port"; then echo "site-example: port $port is taken" >&2; exit 1; fi
done

ORIGIN_HOST=127.0.0.1 ORIGIN_PORT="$origin_port" python3 "$here/origin.py" > "$dir/origin.log" 2>&1 &
origin_pid=$!
wait_for "$origin_port" "$origin_pid" origin
"$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' > "$dir/nginx.log" 2>&1 &
nginx_pid=$!
wait_for "$site_port" "$nginx_pid" nginx
echo "site-example: origin pid $origin_pid, nginx pid $nginx_pid, files in $dir"

if [ -n "$setup" ]; then
  if [ -z "$admin_key" ]; then echo "site-example: --setup-event needs --admin-key (or FOYER_ADMIN_KEY)" >&2; exit 2; fi
  FOYER_ADMIN_KEY="$admin_key" python3 "$here/site-event.py" "$foyer_url" "$event" \
    "http://127.0.0.1:$site_port" "http://localhost:$site_port"
fi

echo "site-example: the site asks $foyer_url's gate for event '$event' (foyer down: fail $foyer_down)"
if [ -z "$setup" ]; then
  echo "site-example: the event's returnUrls must list http://localhost:$site_port/.foyer/return (--setup-event does it)"
fi
echo "site-example: open http://localhost:$site_port/tickets/   (Ctrl-C stops)"
# until either stops by itself, or this script is told to (a short sleep, so Ctrl-C is heard at once)
while kill -0 "$origin_pid" 2>/dev/null && kill -0 "$nginx_pid" 2>/dev/null; do
  sleep 0.5
done
echo "site-example: a process ended by itself:" >&2
tail -n 20 "$dir/error.log" "$dir/origin.log" >&2 || true
exit 1
