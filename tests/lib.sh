# tests/lib.sh - sourced by every tests/*/t*.sh script (bash).
#
# Each check prints one line the runner counts:
#   ok - DESC            passed
#   not ok - DESC        failed (details follow on lines starting with '#')
#   skip - DESC # WHY    could not run here (missing prerequisite)
# A script that exits non-zero without reporting "not ok" counts as one failure.
# Every script runs in its own scratch directory $T_TMP, removed at exit
# (kept when T_KEEP=1), after running anything registered with t_cleanup.

set -u
T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenhost-$T_NAME.XXXXXX")
T_FAILED=0
T_CLEANUPS=()
# Expensive inputs (debootstrap roots, fetched source, builds) live outside the clone.
XENHOST_CACHE=${XENHOST_CACHE:-/var/cache/xenhost-build}
XENHOST_BUILD=${XENHOST_BUILD:-$T_TOP/build}
export XENHOST_CACHE XENHOST_BUILD T_TOP
# The one upstream Xen version the packages are built from: src/xen/recipe pins it.
T_XEN_VERSION=$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/xen/recipe" UPSTREAM_VERSION) || exit 1

# The units our Debian packages enable on installation (debian/rules; t130 checks it on
# an installed root), which the RPM presets must enable too (t140, t150).
T_ENABLED_UNITS="xencommons.service xendomains.service xenhost-boot-check.service xenhost-boot-confirm.service xenhost-network-nat.service xenhost-network-restore.service"

t_cleanup() { T_CLEANUPS+=("$*"); }
_t_exit() {
    local i
    for ((i=${#T_CLEANUPS[@]}-1; i>=0; i--)); do eval "${T_CLEANUPS[$i]}" || true; done
    [ "${T_KEEP:-0}" = 1 ] && echo "# kept $T_TMP" || rm -rf "$T_TMP"
}
trap _t_exit EXIT
cd "$T_TMP" || exit 1

t_ok()   { echo "ok - $*"; }
t_fail() { local d=$1; shift; echo "not ok - $d"; T_FAILED=1; [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'; return 0; }
t_skip() { echo "skip - $1 # ${2:-}"; }
t_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# t_check DESC CMD...: passes when CMD exits 0; shows its output otherwise.
t_check() {
    local d=$1 out rc; shift
    out=$("$@" 2>&1); rc=$?
    if [ $rc -eq 0 ]; then t_ok "$d"; else t_fail "$d" "exit $rc: $*" "$(printf '%s' "$out" | tail -n 20)"; fi
}
# t_must_fail DESC CMD...: passes when CMD exits non-zero (not by a signal).
t_must_fail() {
    local d=$1 out rc; shift
    out=$("$@" 2>&1); rc=$?
    if [ $rc -ne 0 ] && [ $rc -lt 128 ]; then t_ok "$d"; else t_fail "$d" "exit $rc (wanted failure): $*" "$(printf '%s' "$out" | tail -n 20)"; fi
}
# t_eq DESC EXPECTED ACTUAL
t_eq() {
    if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "expected: $2" "actual:   $3"; fi
}
# _t_inputs DESC FILE...: the inputs of t_grep/t_nogrep into _T_IN (pipes such as <(cmd)
# are read into scratch files). A missing or unreadable file, or a command that printed
# nothing, fails DESC: a check with nothing to look at must not pass.
_t_inputs() {
    local d=$1 f n=0; shift
    _T_IN=()
    for f; do
        if [ -f "$f" ] && [ -r "$f" ]; then _T_IN+=("$f"); continue; fi
        if [ -e "$f" ] && [ ! -d "$f" ] && [ -r "$f" ]; then
            n=$((n + 1)); cat "$f" > "$T_TMP/.t_input.$n"; _T_IN+=("$T_TMP/.t_input.$n")
            [ -s "$T_TMP/.t_input.$n" ] || { t_fail "$d" "$f: the command printed nothing: nothing to check"; return 1; }
            continue
        fi
        t_fail "$d" "$f: no such file (or unreadable): nothing to check"; return 1
    done
}
_t_inputs_done() { rm -f "$T_TMP"/.t_input.*; }
# t_grep DESC PATTERN FILE...: passes when the extended regex matches a line of a FILE.
t_grep() {
    local d=$1 re=$2; shift 2
    _t_inputs "$d" "$@" || { _t_inputs_done; return 0; }
    if grep -Eq -- "$re" "${_T_IN[@]}"; then t_ok "$d"; else t_fail "$d" "no line matches /$re/ in $*" "$(tail -q -n 15 "${_T_IN[@]}")"; fi
    _t_inputs_done
}
# t_re TEXT: TEXT as an extended regex that matches it literally.
t_re() { printf '%s' "$1" | sed 's/[]\\|(){}+*?.^$[]/\\&/g'; }
# t_nogrep DESC PATTERN FILE...: passes when no line of any FILE matches; every FILE must
# exist ("no secret in the log" must not pass because no log was written).
t_nogrep() {
    local d=$1 re=$2 rc; shift 2
    _t_inputs "$d" "$@" || { _t_inputs_done; return 0; }
    grep -Eq -- "$re" "${_T_IN[@]}"; rc=$?
    case $rc in
    1) t_ok "$d" ;;
    0) t_fail "$d" "unexpected match of /$re/ in $*:" "$(grep -Eh -- "$re" "${_T_IN[@]}" | head -5)" ;;
    *) t_fail "$d" "grep failed (exit $rc) on $*" ;;
    esac
    _t_inputs_done
}
# Prerequisites: t_need_root / t_need_cmd skip the whole script (exit 0) when unmet.
t_need_root() { [ "$(id -u)" = 0 ] || { t_skip "$T_NAME" "needs root"; exit 0; }; }
t_need_cmd()  { local c; for c; do command -v "$c" >/dev/null || { t_skip "$T_NAME" "needs $c"; exit 0; }; done; }
# t_hypervisor_images DIR VERSION: both hypervisor flavours as unpacked into
# DIR/xenhost-hypervisor{,-debug} (t110 from the .debs, t140 from the RPMs): a multiboot2
# header (magic 0xe85250d6, 8-byte aligned, in the first 32 KiB), the version, a PE EFI
# image, and our built-in dom0_mem in the release build's Kconfig.
_t_mb2() { od -A d -t x4 -N 32768 -v -w4 "$1" | awk '$2 == "e85250d6" && $1 % 8 == 0 { found = 1 } END { exit !found }'; }
t_hypervisor_images() {
    local d=$1 ver=$2 f fl img
    for f in release:$d/xenhost-hypervisor/boot/xen-$ver.gz debug:$d/xenhost-hypervisor-debug/boot/xen-$ver-dbg.gz; do
        fl=${f%%:*} img=${f#*:}
        if [ -f "$img" ]; then
            gunzip -c "$img" > "xen-$fl"
            t_check "$fl hypervisor has a multiboot2 header" _t_mb2 "xen-$fl"
            t_check "$fl hypervisor carries version $ver" grep -qaF "$ver" "xen-$fl"
            t_check "$fl EFI image is a PE file" sh -c "head -c 2 '${img%.gz}.efi' | grep -q MZ"
        else
            t_fail "$fl hypervisor image $img shipped"
        fi
    done
    t_grep "release build has our built-in dom0_mem" '^CONFIG_DOM0_MEM="1G\+10%,max:8G"' "$d/xenhost-hypervisor/boot/xen-$ver.config"
}
# t_need_packages: the built .debs (make deb); skips when absent and XENHOST_REQUIRE_BUILD!=1.
t_need_packages() {
    T_DEBS=$XENHOST_BUILD/debs
    if ! ls "$T_DEBS"/xenhost_*.deb >/dev/null 2>&1; then
        if [ "${XENHOST_REQUIRE_BUILD:-0}" = 1 ]; then t_fail "$T_NAME: built packages present in $T_DEBS"; exit 1; fi
        t_skip "$T_NAME" "no packages in $T_DEBS (run make deb)"; exit 0
    fi
}
# t_need_rpms: the built RPMs (make rpm) as $T_RPMS; the same rules as t_need_packages.
t_need_rpms() {
    T_RPMS=$XENHOST_BUILD/rpms
    if ! ls "$T_RPMS"/xenhost-utils-*.rpm >/dev/null 2>&1; then
        if [ "${XENHOST_REQUIRE_BUILD:-0}" = 1 ]; then t_fail "$T_NAME: built RPMs present in $T_RPMS"; exit 1; fi
        t_skip "$T_NAME" "no RPMs in $T_RPMS (run make rpm)"; exit 0
    fi
}
# t_rpm_defs: the rpmspec/rpmbuild options that src/build/build-rpms passes (one per line).
t_rpm_defs() {
    local r=$T_TOP/src/xen/recipe v
    printf '%s\n' "--load=$T_TOP/rpm/macros.debian-build"
    for v in xen_version:UPSTREAM_VERSION xen_orig:ORIG_FILE xen_sha256:ORIG_SHA256; do
        printf -- '--define=%s %s\n' "${v%%:*}" "$(sh "$T_TOP/src/build/recipe-value" "$r" "${v#*:}")"
    done
}
t_end() { exit $T_FAILED; }
