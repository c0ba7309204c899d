#!/bin/bash
# One exit-status table per program: what --help prints is what the man page's EXIT
# STATUS says, code by code, word for word; and the statuses for not being root.
. "$(dirname "$0")/../lib.sh"
make -s -C "$T_TOP" programs >build.log 2>&1 || { t_fail "the programs build" "$(tail -20 build.log)"; t_end; }
# man_exits PAGE: "CODE TEXT" lines of its EXIT STATUS (man .TP/.B N or mdoc .It N)
man_exits() {
    awk '/^\.S[Hh] EXIT STATUS/ { on = 1; next } on && /^\.S[Hh] / { on = 0 }
         on && /^\.(B|It) [0-9]+$/ { code = $2; getline; gsub(/\\-/, "-"); print code " " $0 }' "$1"
}
help_exits() { "$@" 2>&1 | sed -n '/^Exit status:$/,$p' | sed -n 's/^  \([0-9]*\)  /\1 /p'; }
for p in src/xen-tools/xen-create-image:--help src/xen-tools/xen-delete-image:--help src/xen-tools/xen-list-images:--help \
         src/tools/xendomains/xendomains:--help src/tools/xenhost-boot/xenhost-boot:-h \
         src/tools/xenhost-network/xenhost-network:--help; do
    bin=$T_TOP/${p%%:*} page=$T_TOP/${p%%:*}.8 name=${p%%:*}; name=${name##*/}
    man_exits "$page" > "$name.man"; help_exits "$bin" "${p##*:}" > "$name.help"
    t_check "$name: the man page has an EXIT STATUS table" test "$(wc -l < "$name.man")" -ge 3
    t_eq "$name: --help and the man page give the same exit statuses" "$(cat "$name.man")" "$(cat "$name.help")"
done
# not root: a usage-class refusal (2), before anything is touched
[ "$(id -u)" = 0 ] || { t_skip "not-root exit statuses" "needs root (setpriv to nobody)"; t_end; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
mkdir -m 0777 scratch
nobody "$T_TOP/src/xen-tools/xen-create-image" --hostname=a --mirror=http://m.test/debian --dir="$T_TMP/scratch/srv" \
    --output="$T_TMP/scratch/etc" --cachedir="$T_TMP/scratch/cache" > xci.out 2>&1
t_eq "xen-create-image not as root: exit 2" 2 "$?"
t_grep "... says so" 'must be run as root' xci.out
t_eq "... nothing touched" "" "$(ls -A scratch)"
nobody "$T_TOP/src/xen-tools/xen-delete-image" --output="$T_TMP/scratch" a > xdi.out 2>&1
t_eq "xen-delete-image not as root: exit 2" 2 "$?"
nobody "$T_TOP/src/tools/xenhost-network/xenhost-network" setup --dry-run > xn.out 2>&1
t_eq "xenhost-network setup not as root: exit 2" 2 "$?"
t_grep "... says so" 'setup: must be run as root' xn.out
t_end
