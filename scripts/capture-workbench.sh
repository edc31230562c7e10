#!/usr/bin/env bash
# Captures each pane of `alsx open projects/northwind` as text (docs/workbench/*.txt) for the README:
# the real app in tmux at 100×30, used the way the end-to-end test uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "needs tmux (apt-get install tmux)"; exit 2; }
export ALSX_STATE_DIR; ALSX_STATE_DIR=$(mktemp -d); export NO_COLOR=1
S=alsx-capture-$$; OUT=docs/workbench; mkdir -p $OUT
trap 'tmux kill-session -t $S 2>/dev/null; rm -rf "$ALSX_STATE_DIR"' EXIT
tmux new-session -d -s $S -x 100 -y 30 "node bin/alsx.js open projects/northwind --port 0"
k() { for key in "$@"; do tmux send-keys -t $S "$key"; sleep 0.35; done; }
shot() { sleep "${2:-1}"; tmux capture-pane -p -t $S | sed -e 's/[[:space:]]*$//' > "$OUT/$1.txt"; }
wait_for() { for _ in $(seq 1 60); do tmux capture-pane -p -t $S | grep -Eq "$1" && return 0; sleep 0.25; done; echo "never saw $1"; exit 1; }
wait_for 'w(orkers )?●'
k j Enter Enter; shot tables-detail
k Enter a Down 5 C-s; wait_for 'created'; k G Enter Enter a Down 2 Down Down 2 0 0 0 C-s; wait_for 'refused by'; shot tables-refused
k Escape 2 G Enter Right Right Right Right Right Right; shot trace-stepping
k Escape 3; k j p C-s; wait_for '1 message'; k Escape; shot topics 2
k 4; shot runtimes
k 1 ':'; tmux send-keys -t $S -l 'sql select Id, CompanyName, Balance, CreditLimit from Customer order by Balance desc limit 4'; sleep 0.5; k Enter; shot command-line 2
k q; sleep 2
echo "captured: $(ls $OUT)"
