#!/bin/bash
# Benchmark: xen-create-image (ours) against Debian's xen-tools 4.9.2, both
# creating a 4G bookworm guest (512M memory, 512M swap, DHCP) from the host's
# own mirror, cold (empty caches) and warm (second guest, caches kept).
# The peer runs from an extracted copy of its .deb (apt-get download; never
# installed) inside a private mount namespace, its output in a scratch dir.
# Prints the times and the ratios peer/ours.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench: xen-create-image: needs root" >&2; exit 1; }
make -s -C "$top/src/xen-tools" all test || exit 1
XCI=$top/src/xen-tools/test/xen-create-image   # the test build: XENHOST_XEN_TOOLS_CONF
cache=${XENHOST_CACHE:-/var/cache/xenhost-build}/bench
mkdir -p "$cache"
S=$(mktemp -d /var/tmp/xci-bench.XXXXXX)
made=()
cleanup() {
    local d
    for d in "${made[@]}"; do rmdir "$d" 2>/dev/null; done
    rm -rf "$S"
}
trap cleanup EXIT

# the peer, unpacked once
peer=$cache/xen-tools-4.9.2
if [ ! -x "$peer/usr/bin/xen-create-image" ]; then
    (cd "$S" && apt-get download xen-tools=4.9.2-1 >/dev/null 2>&1 || apt-get download xen-tools >/dev/null) || exit 1
    rm -rf "$peer.tmp" && dpkg-deb -x "$S"/xen-tools_*.deb "$peer.tmp" && mv "$peer.tmp" "$peer" || exit 1
fi
# xen-tools reads /etc/xen-tools and /usr/share/xen-tools and logs to /var/log/xen-tools:
# bind its own copies there in a private namespace (empty mount points made, removed after)
for d in /etc/xen-tools /usr/share/xen-tools; do [ -e "$d" ] || { mkdir "$d" && made+=("$d"); }; done
mkdir -p "$S/peer-log"
cat > "$S/peer.sh" <<EOS
mount --bind "$peer/etc/xen-tools" /etc/xen-tools &&
mount --bind "$peer/usr/share/xen-tools" /usr/share/xen-tools &&
mount --bind "$S/peer-log" /var/log || exit 1
export PERL5LIB="$peer/usr/share/perl5" PATH="$peer/usr/bin:\$PATH"
exec xen-create-image "\$@"
EOS
mirror=$(XENHOST_XEN_TOOLS_CONF=/dev/null "$XCI" --hostname=probe --dry-run | sed -n 's/^  system: .* from \([^ ]*\) .*/\1/p')
[ -n "$mirror" ] || { echo "bench: no mirror in the host's apt sources" >&2; exit 1; }
common=(--dist=bookworm --size=4G --memory=512M --swap=512M --dhcp --mirror="$mirror")

timeit() {  # timeit LOG CMD...: seconds on stdout, fails when CMD fails
    local log=$1 t0 t1; shift
    t0=$(date +%s.%N)
    "$@" >"$log" 2>&1 </dev/null || { echo "bench: failed: $* (see below)" >&2; tail -20 "$log" >&2; return 1; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
mkdir -p "$S/ours" "$S/ours-etc" "$S/ours-cache" "$S/peer" "$S/peer-etc" "$S/peer-cache"
ours() { XENHOST_XEN_TOOLS_CONF=/dev/null "$XCI" --hostname="$1" "${common[@]}" --dir="$S/ours" --output="$S/ours-etc" --cachedir="$S/ours-cache"; }
peer() { unshare -m --propagation private sh "$S/peer.sh" --hostname="$1" "${common[@]}" --dir="$S/peer" --output="$S/peer-etc" \
             --cache=yes --cachedir="$S/peer-cache" --pygrub --noboot --force; }

echo "bench: xen-create-image, 4G bookworm guest (ours vs xen-tools 4.9.2); this takes about 6 minutes"
oc=$(timeit "$S/ours-cold.log" ours b1) || exit 1
ow=$(timeit "$S/ours-warm.log" ours b2) || exit 1
pc=$(timeit "$S/peer-cold.log" peer p1) || exit 1
pw=$(timeit "$S/peer-warm.log" peer p2) || exit 1
printf 'bench: xen-create-image cold: ours %6.1fs  xen-tools %6.1fs  ratio %5.1fx\n' "$oc" "$pc" "$(echo "$pc / $oc" | bc -l)"
printf 'bench: xen-create-image warm: ours %6.1fs  xen-tools %6.1fs  ratio %5.1fx (target >= 20x)\n' "$ow" "$pw" "$(echo "$pw / $ow" | bc -l)"
