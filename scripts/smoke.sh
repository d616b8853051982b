#!/usr/bin/env bash
# Smoke test of the real binary, driven like a person would in tmux:
# start the explorer, change the schedule, pause, type a command, open help,
# quit, and check the screen after each step. Writes the first screen to
# docs/screen.txt when run with --capture. Needs tmux; exits 0 with a note
# when tmux is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v tmux >/dev/null 2>&1; then
	echo "smoke: tmux not installed, skipped"
	exit 0
fi
bin=$(mktemp -d)/fisherscope
go build -o "$bin" .
sock="fisherscope-smoke-$$"
tm() { tmux -L "$sock" "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; }
trap cleanup EXIT
screen() { tm capture-pane -t smoke -p; }
expect() { # expect TEXT [SECONDS]: wait until the screen shows TEXT
	local deadline=$((SECONDS + ${2:-10}))
	until screen | grep -qF -- "$1"; do
		if ((SECONDS > deadline)); then
			echo "smoke: screen never showed: $1"; screen; exit 1
		fi
		sleep 0.2
	done
}
tm new-session -d -s smoke -x 120 -y 40 "NO_COLOR=1 $bin --set particles=400"
expect "particles · t="
expect "estimator variance vs t"
expect "Fisher asymmetry of Φ vs t"
expect "running"
if [ "${1:-}" = "--capture" ]; then
	expect "done" 20
	screen > docs/screen.txt
fi
tm send-keys -t smoke n
expect " · edm · "
tm send-keys -t smoke Space
expect "paused"
tm send-keys -t smoke :
tm send-keys -t smoke -l "probes 12"
tm send-keys -t smoke Enter
expect "m=12"
tm send-keys -t smoke :
tm send-keys -t smoke -l "particles -3"
tm send-keys -t smoke Enter
expect "particles: \"-3\" is not an integer"
tm send-keys -t smoke -l "PPP" # three keys in one write: each counts
expect "m=15"
tm resize-window -t smoke -x 60 -y 20
expect "? help · q quit"
tm resize-window -t smoke -x 30 -y 10
expect "terminal too small"
tm resize-window -t smoke -x 120 -y 40
expect "particles · t="
tm send-keys -t smoke "?"
expect "fisherscope keys"
tm send-keys -t smoke x
tm send-keys -t smoke q
for _ in $(seq 50); do
	tm has-session -t smoke 2>/dev/null || break
	sleep 0.1
done
if tm has-session -t smoke 2>/dev/null; then
	echo "smoke: q did not quit"; exit 1
fi
echo "smoke: ok"
