#!/bin/bash
# The sweep of temporaries left by SIGKILL: a run killed during mkfs leaves its
# temporary image and staging tree; the next run removes them (one line each)
# and every other temporary of a dead process in the places it uses (config
# dir, autostart dir, cache base and stage, a half-built base with a mount in
# it), keeps those of a live process, and never touches look-alike names.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xen-tools/common-build.sh"
state() {
    { (cd "$T_TMP" && find etc srv -mindepth 1 | sort)
      ls -a "$XCI_CACHE/stage" 2>/dev/null; ls -a "$XCI_CACHE/base" 2>/dev/null
      grep -F "$XCI_CACHE" /proc/self/mounts; losetup -a; } 2>&1
}
t0=$(date +%s)
build warm --dhcp --hooks=0 --noswap      # the cache must be warm (shared with t550)
t_eq "a guest builds (cache warm)" 0 "$(cat warm.rc)"
"$XDI" --output="$T_TMP/etc" warm >/dev/null 2>&1 || rm -rf srv/domains/warm etc/warm.cfg
before=$(state)

# --- SIGKILL during mkfs
build_bg k1 --dhcp --hooks=0 --autostart
for i in $(seq 600); do pgrep -f "mke2fs .*srv/domains/k1/\.disk\.img\.xci$XCI_PID" >/dev/null && break; sleep 0.05; done
kill -KILL "$XCI_PID"; wait_bg k1 2>/dev/null; K=$XCI_PID
t_eq "SIGKILL during mkfs: killed" 137 "$(cat k1.rc)"
t_check "SIGKILL leaves the temporary image (it cannot be handled)" test -f "srv/domains/k1/.disk.img.xci$K"
t_check "SIGKILL leaves the staging tree" test -d "$XCI_CACHE/stage/k1.$K"

# --- temporaries of a dead process, of a live one, and look-alikes
sleep 300 & L=$!; t_cleanup "kill $L"
( : ) & D=$!; wait $D
kill -0 "$D" 2>/dev/null && { t_fail "pid $D is free"; t_end; }
B=$XCI_CACHE/base S=$XCI_CACHE/stage KEY=bookworm-amd64-00000000deadbeef
mkdir -p etc/auto srv/domains/k2
t_cleanup "umount -l '$B/.tmp-$KEY.$D/proc' 2>/dev/null; rm -rf '$B/.tmp-$KEY.$D' '$B/.tmp-$KEY.$L' '$B/.tmp-nokey.$D' '$B/.tmp-$KEY.x$D' '$S/k9.$D' '$S/k9.$L' '$S/k8.$D' '$S/_k9.$D'"
dead=( "srv/domains/k2/.swap.img.xci$D" "srv/domains/k2/.disk.img.xci$D" "etc/.k9.cfg.xci$D" )
for f in "${dead[@]}"; do echo x > "$f"; done
ln -s /nonexistent "etc/auto/k9.cfg.xci$D"; dead+=("etc/auto/k9.cfg.xci$D")
mkdir -p "$B/.tmp-$KEY.$D/proc" "$S/k9.$D/etc"; dead+=("$B/.tmp-$KEY.$D" "$S/k9.$D")
mount -t tmpfs xhtest "$B/.tmp-$KEY.$D/proc"   # as a killed debootstrap leaves its target
live=( "srv/domains/k2/.disk.img.xci$L" "etc/.k9.cfg.xci$L" "etc/auto/k9.cfg.xci$L" "$B/.tmp-$KEY.$L" "$S/k9.$L" )
for f in "${live[@]:0:2}"; do echo x > "$f"; done
ln -s /nonexistent "${live[2]}"; mkdir -p "${live[3]}" "${live[4]}"
alike=( "srv/domains/k2/.disk.img.xci" "srv/domains/k2/disk.img.xci$D" "srv/domains/k2/.data.img.xci$D"
        "srv/domains/k2/.disk.img.xci0$D" "srv/domains/k2/.disk.img.xci${D}x" "srv/domains/k2/.disk.img.xci$D.bak"
        "etc/.k9.conf.xci$D" "etc/notes.xci$D" "etc/.-k9.cfg.xci$D" "etc/auto/k8.cfg.xci$D" "$S/k8.$D" )
for f in "${alike[@]}"; do echo x > "$f"; done            # wrong name, or a file where a link/dir is made
mkdir -p "srv/domains/k2/.swap.img.xci1$D" "$B/.tmp-nokey.$D" "$B/.tmp-$KEY.x$D" "$S/_k9.$D"
alike+=( "srv/domains/k2/.swap.img.xci1$D" "$B/.tmp-nokey.$D" "$B/.tmp-$KEY.x$D" "$S/_k9.$D" )
kill -0 "1$D" 2>/dev/null && t_diag "pid 1$D lives: the directory test below proves less"

# --- the next run sweeps, then builds
build k1 --dhcp --hooks=0 --autostart
t_eq "next run: builds" 0 "$(cat k1.rc)"
t_grep "next run: removed the killed run's image" "removed $T_TMP/srv/domains/k1/\.disk\.img\.xci$K: left by process $K, which no longer exists" k1.out
t_grep "next run: removed the killed run's staging tree" "removed $S/k1\.$K: left by process $K" k1.out
for f in "${dead[@]}"; do
    a=$f; [ "${f#/}" = "$f" ] && a=$T_TMP/$f
    grep -qF "removed $a: left by process $D" k1.out && [ ! -e "$f" ] && [ ! -L "$f" ] && t_ok "dead owner: ${f##*/} removed, one line" || t_fail "dead owner: $f removed" "$(grep removed k1.out)"
done
t_eq "one line per removed item, nothing else removed" $(( ${#dead[@]} + 2 )) "$(grep -c 'removed ' k1.out)"
t_eq "the half-built base's mount was detached" "" "$(grep -F "$B/.tmp-$KEY.$D" /proc/self/mounts)"
for f in "${live[@]}"; do { [ -e "$f" ] || [ -L "$f" ]; } && t_ok "live owner: ${f##*/} kept" || t_fail "live owner: $f kept"; done
n=0; for f in "${alike[@]}"; do [ -e "$f" ] && n=$((n + 1)) || t_diag "removed: $f"; done
t_eq "look-alike names all kept" ${#alike[@]} $n
t_eq "the guest is complete" "$T_TMP/etc/k1.cfg" "$(readlink etc/auto/k1.cfg)"
t_eq "the guest's hostname" k1 "$(img_cat k1 /etc/hostname)"

# --- remove the guest, the decoys: as before
"$XDI" --output="$T_TMP/etc" k1 >/dev/null
rm -rf "${live[@]}" "${alike[@]}" srv/domains/k2; rmdir etc/auto
t_eq "after the guest is deleted: nothing left" "$before" "$(state)"
t_diag "t565 took $(( $(date +%s) - t0 )) s"
t_end
