#!/bin/bash
# Limits fail cleanly: guest files too long for their buffer (many --ip values,
# a long --nameserver list), more undo entries than a fixed list held (a deep
# --dir), each on a real build from a tiny tree (--install-method=copy: no
# debootstrap): exit 1, one message naming the file, nothing left behind.
. "$(dirname "$0")/../lib.sh"
t_need_root
t_need_cmd mke2fs
. "$T_TOP/tests/xen-tools/common.sh"
# a root tree with what configure reads (network, shadow), no SSH, no kernel
mkdir -p src/etc/network src/etc/apt etc cache
printf 'root:*:19000:0:99999:7:::\n' > src/etc/shadow
state() { (cd "$T_TMP" && find etc srv deep cache -mindepth 1 2>/dev/null | sort); }
copy_build() {  # copy_build NAME ARGS...: output in NAME.out, exit code in NAME.rc
    local n=$1; shift
    "$XCI" --hostname="$n" --install-method=copy --install-source="$T_TMP/src" --size=256M --noswap \
        --dir="$T_TMP/srv" --output="$T_TMP/etc" --cachedir="$T_TMP/cache" --hooks=0 "$@" >"$n.out" 2>&1
    echo $? >"$n.rc"
}
copy_build ok --ip=192.0.2.7/24 --nameserver=192.0.2.53
t_eq "a small guest builds from a copied tree" 0 "$(cat ok.rc)"
[ "$(cat ok.rc)" = 0 ] || t_diag "$(cat ok.out)"
rm -rf srv etc/ok.cfg cache/stage/*
before=$(state)

ns=$(for i in $(seq 1000); do printf '192.0.2.%d,' $((i % 250 + 1)); done)
copy_build ns1 --ip=192.0.2.7/24 --nameserver="${ns%,}"
t_eq "a resolv.conf longer than its buffer: exit 1 (not a crash)" 1 "$(cat ns1.rc)"
t_grep "... says which file" 'guest file etc/resolv.conf: too long' ns1.out
t_eq "... nothing left" "$before" "$(state)"

ips=(--ip=192.0.2.7/24); for i in $(seq 300); do ips+=(--ip=198.51.100.$((i % 250 + 1))/32); done
copy_build ip1 "${ips[@]}"
t_eq "an interfaces file longer than its buffer: exit 1 (not a crash)" 1 "$(cat ip1.rc)"
t_grep "... says which file" 'guest file etc/network/interfaces: too long' ip1.out
t_eq "... nothing left" "$before" "$(state)"

# 40 directories made for --dir, then a failing hook: every one of them is removed
deep=$T_TMP/deep; for i in $(seq 40); do deep=$deep/d$i; done
mkdir -p hooks; printf '#!/bin/sh\necho "hook says no" >&2\nexit 3\n' > hooks/10-fail; chmod +x hooks/10-fail
"$XCI" --hostname=dp --install-method=copy --install-source="$T_TMP/src" --size=256M --noswap --dhcp \
    --dir="$deep" --output="$T_TMP/etc" --cachedir="$T_TMP/cache" --hooksdir="$T_TMP/hooks" > dp.out 2>&1
t_eq "a failing build with 40 new directories: exit 1" 1 "$?"
t_grep "... the hook's failure shown" 'hook says no' dp.out
t_eq "... every directory it made and its staging tree removed (undo list not cut at 32)" "$before" "$(state)"
t_end
