#!/bin/bash
# make bench: xendomains (ours, parallel) vs upstream's serial xendomains, N=8
# simulated guests on fake-xl with per-operation latencies measured on a Xen
# host in QEMU (docs: /work/shared/notes/xen-in-qemu.md, Debian's xendomains):
#   xl create 6.3 s, xl restore 2.0 s, xl save 2.8 s (128 MiB), xl shutdown -w 2.7 s,
#   upstream's XENDOMAINS_CREATE_USLEEP 5 s after each create,
# all scaled by BENCH_SCALE (default 0.1) so the bench takes seconds; ratios do
# not depend on the scale. fake-xl sleeps: it models latency, not CPU contention
# (real creates are partly CPU-bound, so parallel creates gain less on few cores).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_N:-8} SCALE=${BENCH_SCALE:-0.1} PAR=${BENCH_PARALLEL:-4}
make -s -C "$top/src/tools/xendomains" >/dev/null || { echo "bench: xendomains does not build" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/xenhost-bench.XXXXXX"); trap 'rm -rf "$W"' EXIT
sc() { awk -v a="$1" -v s="$SCALE" 'BEGIN{printf "%.4f", a * s}'; }
export FAKEXL_LAT_create=$(sc 6.3) FAKEXL_LAT_restore=$(sc 2.0) FAKEXL_LAT_save=$(sc 2.8) FAKEXL_LAT_shutdown=$(sc 2.7)
XL=$top/tests/xendomains/fake-xl
now() { echo "$EPOCHREALTIME"; }

# world MODE: fresh fake host with N guest configs
world() {
    rm -rf "$W/$1"; mkdir -p "$W/$1/auto" "$W/$1/save" "$W/$1/xl/doms"
    for i in $(seq 1 "$N"); do printf 'name = "guest%d"\nmemory = 128\n' "$i" > "$W/$1/auto/guest$i.cfg"; done
    printf 'XENDOMAINS_AUTO=%s\nXENDOMAINS_SAVE=%s\nXENDOMAINS_STATE_DIR=%s\nXENDOMAINS_PARALLEL=%s\nXENDOMAINS_SAVE_MARGIN=1M\n' \
        "$W/$1/auto" "$W/$1/save" "$W/$1/state" "$PAR" > "$W/$1/conf"
}
# run MODE PHASE [save|shutdown]: time one phase of one implementation; prints seconds
run() {
    local m=$1 p=$2 save=$W/$1/save t0 t1   # $3: shutdown = no saving
    [ "${3:-save}" = shutdown ] && save=
    export FAKEXL_DIR=$W/$m/xl
    t0=$(now)
    if [ "$m" = upstream ]; then
        XL=$XL XENDOMAINS_AUTO=$W/$m/auto XENDOMAINS_SAVE=$save \
        XENDOMAINS_CREATE_USLEEP=$(awk -v s="$SCALE" 'BEGIN{printf "%d", 5000000 * s}') \
            bash "$top/tests/bench/upstream-xendomains-serial" "$p" 2>>"$W/$m.err"
    else
        { cat "$W/$m/conf"; echo "XENDOMAINS_SAVE=$save"; } > "$W/$m/conf.run"
        "$top/src/tools/xendomains/xendomains" -c "$W/$m/conf.run" --xl "$XL" "$p" 2>>"$W/$m.err"
    fi
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}'
}
count() { local f=("$W/$1/xl/doms"/*); [ -e "${f[0]}" ] && echo ${#f[@]} || echo 0; }

printf 'xendomains bench: N=%d guests, parallel bound %d, fake-xl latencies x%s of measured (create %s s, restore %s s, save %s s, shutdown %s s)\n' \
    "$N" "$PAR" "$SCALE" "$FAKEXL_LAT_create" "$FAKEXL_LAT_restore" "$FAKEXL_LAT_save" "$FAKEXL_LAT_shutdown"
printf '%-34s %12s %12s %8s\n' phase upstream xenhost ratio
bad=0
row() {
    local label=$1 u=$2 x=$3 want=$4
    printf '%-34s %10s s %10s s %7sx\n' "$label" "$u" "$x" "$(awk -v u="$u" -v x="$x" 'BEGIN{printf "%.1f", (x > 0 ? u / x : 0)}')"
    [ "$(count upstream)" = "$want" ] && [ "$(count xenhost)" = "$want" ] ||
        { echo "bench: $label: end states differ (upstream $(count upstream), xenhost $(count xenhost) running, want $want)" >&2; bad=1; }
}
world upstream; world xenhost
u=$(run upstream start); x=$(run xenhost start); row "boot: create $N from /etc/xen/auto" "$u" "$x" "$N"
u=$(run upstream stop); x=$(run xenhost stop); row "shutdown: save $N" "$u" "$x" 0
u=$(run upstream start); x=$(run xenhost start); row "boot: restore $N saved" "$u" "$x" "$N"
u=$(run upstream stop shutdown); x=$(run xenhost stop shutdown); row "shutdown: shut down $N (no saving)" "$u" "$x" 0
echo "(ratio = upstream time / xenhost time; higher is better for xenhost)"
exit $bad
