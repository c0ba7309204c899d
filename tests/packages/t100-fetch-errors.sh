#!/bin/bash
# Bad input to the source fetch: no usable apt configuration, an unreachable archive, no
# version of the series. Each gives one clear error line, a non-zero exit, and no .deb in
# the output directory.
. "$(dirname "$0")/../lib.sh"

# run_build NAME: build-debs with the environment set by the caller; checks the outcome.
run_build() {
    local name=$1 out=$T_TMP/$1
    mkdir -p "$out/cache"
    XENHOST_CACHE=$out/cache XENHOST_BUILD=$out/build sh "$T_TOP/src/build/build-debs" > "$out/stdout" 2> "$out/stderr"
    echo $? > "$out/rc"
}
check_failure() {
    local name=$1 pattern=$2 out=$T_TMP/$1
    t_eq "$name: exit status 1" 1 "$(cat "$out/rc")"
    t_eq "$name: exactly one error line" 1 "$(grep -c . "$out/stderr")"
    t_grep "$name: error names the problem and the remedy" "$pattern" "$out/stderr"
    t_eq "$name: no .deb left in the output directory" 0 "$(find "$out/build" -name '*.deb' 2>/dev/null | wc -l)"
}

# 1. No Debian archive in the apt configuration at all.
mkdir -p empty-etc/sources.list.d
XENHOST_APT_ETC=$T_TMP/empty-etc run_build no-sources
check_failure no-sources "no Debian archive entry in .*empty-etc.*add the Debian archive"

# 2. The archive cannot be reached (nothing listens on this loopback port).
mkdir -p dead-etc/sources.list.d
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://127.0.0.1:9/debian bookworm main\n' > dead-etc/sources.list
XENHOST_APT_ETC=$T_TMP/dead-etc run_build unreachable
check_failure unreachable "could not be reached.*check the network or the mirror"

# 3. The series is not in the archive (the host's real sources).
XEN_SERIES=9.99 run_build no-version
check_failure no-version "no version of xen 9.99.x could be fetched.*src/xen/recipe"

# The deb-src entries derived from a deb822 file keep URI, components and key, and add
# the recipe's suites for each host suite family.
mkdir -p d822/sources.list.d
cat > d822/sources.list.d/debian.sources <<'EOS'
Types: deb
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.invalid/other
Suites: bookworm
Enabled: no
EOS
t_eq "apt-entries reads deb822 and skips disabled entries" \
"http://mirror.invalid/debian|bookworm-updates|main contrib|/usr/share/keyrings/debian-archive-keyring.gpg
http://mirror.invalid/debian|bookworm|main contrib|/usr/share/keyrings/debian-archive-keyring.gpg" \
    "$(sh "$T_TOP/src/build/apt-entries" "$T_TMP/d822" | LC_ALL=C sort)"
t_end
