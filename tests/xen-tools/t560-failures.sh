#!/bin/bash
# Failure injection: xen-create-image stopped in every phase (SIGTERM at the
# phase, from outside during mkfs, SIGINT during a hook, a failing hook, a kill
# during a cold debootstrap) leaves nothing of its run: no image, directory,
# config, staging tree, temporary base, mount or loop device. --force replaces.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xen-tools/common-build.sh"

# the cache must be warm first (one cold build, shared with t550)
build warm --dhcp --hooks=0 --noswap
t_eq "a guest builds (cache warm)" 0 "$(cat warm.rc)"
"$XDI" --output="$T_TMP/etc" warm >/dev/null 2>&1 || rm -rf srv/domains/warm etc/warm.cfg
state() {
    { (cd "$T_TMP" && find etc srv -mindepth 1 | sort)
      ls -a "$XCI_CACHE/stage" 2>/dev/null; ls -a "$XCI_CACHE/base" 2>/dev/null
      grep -F "$XCI_CACHE" /proc/self/mounts; grep -F "$T_TMP/" /proc/self/mounts; losetup -a; } 2>&1
}
before=$(state)
mkdir -p hooks; printf '#!/bin/sh\nexit 0\n' > hooks/10-noop; chmod +x hooks/10-noop
mkdir -p hooks-off

for path in fast staging; do
    for ph in "base system" configure "hooks/roles" image publish; do
        [ $path = fast ] && [ "$ph" = hooks/roles ] && continue
        hd=$T_TMP/hooks; [ $path = fast ] && hd=$T_TMP/hooks-off
        XENHOST_XCI_FAULT=$ph build f1 --ip=192.0.2.9/24 --password=pw --autostart --hooksdir="$hd"
        rc=$(cat f1.rc)
        if [ "$rc" = 1 ] && grep -q 'interrupted by signal 15' f1.out; then t_ok "$path path, SIGTERM in phase '$ph': exit 1"
        else t_fail "$path path, SIGTERM in phase '$ph': exit 1" "exit $rc" "$(cat f1.out)"; fi
        t_eq "$path path, SIGTERM in phase '$ph': nothing left" "$before" "$(state)"
    done
done

# SIGTERM from outside while mkfs runs
build_bg f2 --dhcp --hooks=0 --size=3G
for i in $(seq 400); do ls srv/domains/f2/.disk.img.xci* >/dev/null 2>&1 && break; sleep 0.05; done
kill -TERM $XCI_PID; wait_bg f2
t_eq "SIGTERM during the image phase: exit 1" 1 "$(cat f2.rc)"
t_eq "SIGTERM during the image phase: nothing left" "$before" "$(state)"

# SIGINT while a hook sleeps: the hook's process group is stopped at once
printf '#!/bin/sh\nsleep 60\n' > hooks/20-sleep; chmod +x hooks/20-sleep
build_bg f3 --dhcp
for i in $(seq 400); do pgrep -f "hooks/20-sleep" >/dev/null && break; sleep 0.05; done
t0=$(date +%s); kill -INT $XCI_PID; wait_bg f3; t1=$(date +%s)
t_eq "SIGINT during a hook: exit 1" 1 "$(cat f3.rc)"
t_check "SIGINT during a hook: stops long before the hook would end (60 s)" test $((t1 - t0)) -lt 40
t_eq "SIGINT during a hook: no hook left running" "" "$(pgrep -f hooks/20-sleep)"
t_eq "SIGINT during a hook: nothing left" "$before" "$(state)"
rm hooks/20-sleep

# a failing hook
printf '#!/bin/sh\necho "hook says no" >&2\nexit 3\n' > hooks/30-fail; chmod +x hooks/30-fail
build f4 --dhcp
t_eq "failing hook: exit 1" 1 "$(cat f4.rc)"
t_grep "failing hook: its output is shown" 'hook says no' f4.out
t_eq "failing hook: nothing left" "$before" "$(state)"
rm hooks/30-fail

# a too small image: mkfs fails
build f5 --dhcp --hooks=0 --size=256M
t_eq "root filesystem too small: exit 1" 1 "$(cat f5.rc)"
t_eq "root filesystem too small: nothing left" "$before" "$(state)"

# --force replaces an existing image and config; without it they are refused (t520)
build f6 --dhcp --hooks=0 --noswap
echo old > etc/f6.cfg
build f6 --dhcp --hooks=0 --noswap
t_eq "existing guest: refused" 1 "$(cat f6.rc)"
t_eq "existing guest: config untouched" old "$(cat etc/f6.cfg)"
build f6 --dhcp --hooks=0 --noswap --force
t_eq "--force: rebuilt" 0 "$(cat f6.rc)"
t_grep "--force: config replaced" '^name += "f6"$' etc/f6.cfg
rm -rf etc/f6.cfg srv/domains/f6

# killed during a cold debootstrap (no cache): its /proc and /sys mounts go too
build_bg f7 --dhcp --hooks=0 --cache=no
for i in $(seq 1800); do grep -qF "$XCI_CACHE/stage/f7" /proc/self/mounts && break; sleep 0.1; done
mounted=$(grep -cF "$XCI_CACHE/stage/f7" /proc/self/mounts)
kill -TERM $XCI_PID; wait_bg f7
t_diag "debootstrap had $mounted mounts in its target when killed"
t_eq "SIGTERM during debootstrap: exit 1" 1 "$(cat f7.rc)"
t_eq "SIGTERM during debootstrap: nothing left (mounts included)" "$before" "$(state)"
t_end
