#!/bin/bash
# The pinned upstream source, fetched exactly (src/build/fetch-orig): from the cache, from
# an index that lists it (apt-get source), else from its pool path under the host's own
# archive URIs (apt-helper). Every route checks the recipe's SHA-256; a corrupted or
# missing file is one error line naming the file and what was tried, a non-zero exit
# and nothing in the output directory. All archives here are local file: fixtures.
. "$(dirname "$0")/../lib.sh"
t_need_cmd apt-ftparchive
FETCH=$T_TOP/src/build/fetch-orig

# A fixture archive ARCH: pool/main/x/xen/ plus a trixie Sources index of PARAGRAPHS
# (apt-ftparchive's Release, unsigned; the host entry says trusted=yes).
make_archive() {
    local arch=$1; shift
    mkdir -p "$arch/pool/main/x/xen" "$arch/dists/trixie/main/source"
    printf '%s\n' "$@" > "$arch/dists/trixie/main/source/Sources"
    gzip -9nkf "$arch/dists/trixie/main/source/Sources"
    (cd "$arch/dists/trixie" && apt-ftparchive -o APT::FTPArchive::Release::Suite=trixie \
        -o APT::FTPArchive::Release::Codename=trixie release . > Release.tmp && mv Release.tmp Release)
}
# An apt configuration ETC whose one Debian entry is the archive at URI.
make_etc() {
    mkdir -p "$1/sources.list.d"
    echo "deb [trusted=yes] $2 bookworm main" > "$1/sources.list"
}
# A Sources paragraph for xen VERSION listing FILE with SHA and SIZE (and a .dsc the
# archive does not carry, as the real archive sometimes does not).
paragraph() {
    printf 'Package: xen\nBinary: xen-utils\nVersion: %s\nMaintainer: t <t@example.invalid>\nArchitecture: any\nFormat: 3.0 (quilt)\nDirectory: pool/main/x/xen\nFiles:\n 00000000000000000000000000000000 10 xen_%s.dsc\n %s %s %s\nChecksums-Sha256:\n %s 10 xen_%s.dsc\n %s %s %s\n' \
        "$1" "$1" "$(md5sum < "$4" | cut -c1-32)" "$3" "$2" "$(printf '0%.0s' $(seq 64))" "$1" "$(sha256sum < "$4" | cut -c1-64)" "$3" "$2"
}
# fetch NAME RECIPE ETC: run fetch-orig into NAME/out; NAME/{rc,stdout,stderr}.
fetch() {
    mkdir -p "$1/out"
    XENHOST_CACHE=$T_TMP/$1/cache XENHOST_APT_ETC=$3 sh "$FETCH" "$2" "$T_TMP/$1/out" > "$1/stdout" 2> "$1/stderr"
    echo $? > "$1/rc"
}
# refused NAME PATTERN WHAT: the run failed with one error line matching PATTERN and left
# nothing in its output directory.
refused() {
    t_eq "$3: exit status 1" 1 "$(cat "$1/rc")"
    t_eq "$3: exactly one line on stderr" 1 "$(grep -c . "$1/stderr")"
    t_grep "$3: the line names the file, what was tried and what to do" "$2" "$1/stderr"
    t_eq "$3: nothing left in the output directory" "" "$(ls -A "$1/out")"
}

# --- a synthetic pin: a small tarball and its hash ---------------------------------------
mkdir -p payload/xen-9.9.9 && echo "upstream source" > payload/xen-9.9.9/README
tar -C payload -cJf xen_9.9.9.orig.tar.xz xen-9.9.9
SHA=$(sha256sum < xen_9.9.9.orig.tar.xz | cut -c1-64)
SIZE=$(stat -c %s xen_9.9.9.orig.tar.xz)
cat > recipe <<EOF
# a test recipe
SOURCE_PACKAGE=xen
UPSTREAM_VERSION=9.9.9
ORIG_FILE=xen_9.9.9.orig.tar.xz
ORIG_SHA256=$SHA
INDEX_CODENAMES=trixie
EOF
POOLFILE=$T_TMP/arch/pool/main/x/xen/xen_9.9.9.orig.tar.xz
# The index lists another xen only: our file is served from the pool, listed nowhere.
echo "older upstream" > other.tar.xz
make_archive arch "$(paragraph 9.9.8-1 xen_9.9.8.orig.tar.xz "$(stat -c %s other.tar.xz)" other.tar.xz)"
make_etc etc "file:$T_TMP/arch"
cp xen_9.9.9.orig.tar.xz "$POOLFILE"

fetch pool recipe "$T_TMP/etc"
t_eq "pool only: fetched" 0 "$(cat pool/rc)"
t_eq "pool only: prints the path of the file" "$T_TMP/pool/out/xen_9.9.9.orig.tar.xz" "$(cat pool/stdout)"
t_eq "pool only: the file is the pinned one" "$SHA" "$(sha256sum < pool/out/xen_9.9.9.orig.tar.xz | cut -c1-64)"
t_grep "pool only: came from the pool path, verified" "xen_9.9.9.orig.tar.xz: file:$T_TMP/arch/pool/main/x/xen/xen_9.9.9.orig.tar.xz, SHA-256 verified" pool/stderr
t_check "pool only: a real file, not apt's symlink into the archive" test ! -L pool/out/xen_9.9.9.orig.tar.xz
t_eq "pool only: no temporary left" "xen_9.9.9.orig.tar.xz" "$(ls -A pool/out)"
t_grep "the index was searched in the recipe's code name, from the host's URI" "^Suites: trixie\$" pool/cache/apt-source/xen/parts/src.sources
t_grep "... keeping the host entry's trust settings" "^Trusted: yes\$" pool/cache/apt-source/xen/parts/src.sources

# The cache answers without any archive: the pool copy is gone, the run still succeeds.
rm "$POOLFILE"
fetch pool recipe "$T_TMP/etc"
t_eq "cached copy: used without the archive" 0 "$(cat pool/rc)"
t_grep "cached copy: hash checked" 'cached, SHA-256 verified' pool/stderr

# A cached copy that does not match is not used: it is replaced by a verified one.
cp xen_9.9.9.orig.tar.xz "$POOLFILE"
echo garbage >> pool/out/xen_9.9.9.orig.tar.xz
fetch pool recipe "$T_TMP/etc"
t_eq "damaged cached copy: fetched again" 0 "$(cat pool/rc)"
t_eq "damaged cached copy: replaced by the pinned file" "$SHA" "$(sha256sum < pool/out/xen_9.9.9.orig.tar.xz | cut -c1-64)"

# A corrupted copy in the archive: refused, nothing written.
printf 'X' | dd of="$POOLFILE" bs=1 seek=100 conv=notrunc 2>/dev/null
fetch corrupt recipe "$T_TMP/etc"
refused corrupt "xen_9\.9\.9\.orig\.tar\.xz: a copy was served whose SHA-256 is not the pinned $SHA .*pool/main/x/xen/xen_9\.9\.9\.orig\.tar\.xz \(Hash Sum mismatch\).*refusing it" "corrupted pool copy"

# Absent everywhere: the file, the index searched and the URI tried are named.
rm -f "$POOLFILE"
fetch absent recipe "$T_TMP/etc"
refused absent "xen_9\.9\.9\.orig\.tar\.xz \(SHA-256 $SHA\) could not be fetched \(no Sources index of trixie lists it; pool: file:$T_TMP/arch/pool/main/x/xen/xen_9\.9\.9\.orig\.tar\.xz \(File not found.*check the network.*move the pin in" "absent everywhere"

# An unreachable archive (nothing listens on this loopback port).
make_etc dead "http://127.0.0.1:9/debian"
fetch dead recipe "$T_TMP/dead"
refused dead "could not be fetched .*pool: http://127\.0\.0\.1:9/debian/pool/main/x/xen/xen_9\.9\.9\.orig\.tar\.xz \(Could not connect" "unreachable archive"

# An index that still lists the file: apt-get source of that exact version gets it
# (the .dsc is missing from this archive, as it is from the real one at times).
cp xen_9.9.9.orig.tar.xz "$POOLFILE"
make_archive arch "$(paragraph 9.9.9-3 xen_9.9.9.orig.tar.xz "$SIZE" xen_9.9.9.orig.tar.xz)"
fetch indexed recipe "$T_TMP/etc"
t_eq "listed in an index: fetched" 0 "$(cat indexed/rc)"
t_grep "listed in an index: by apt-get source of the exact version" 'apt-get source xen=9\.9\.9-3, SHA-256 verified' indexed/stderr
t_eq "listed in an index: the pinned file" "$SHA" "$(sha256sum < indexed/out/xen_9.9.9.orig.tar.xz | cut -c1-64)"

# An index that gives the file another hash than the pin: neither is trusted.
echo "replaced upstream" > replaced.tar.xz
cp replaced.tar.xz "$POOLFILE"
make_archive arch "$(paragraph 9.9.9-4 xen_9.9.9.orig.tar.xz "$(stat -c %s replaced.tar.xz)" replaced.tar.xz)"
fetch disagree recipe "$T_TMP/etc"
refused disagree "xen_9\.9\.9\.orig\.tar\.xz: the archive's signed Sources index gives SHA-256 $(sha256sum < replaced.tar.xz | cut -c1-64), the recipe .* pins $SHA; refusing both" "index disagrees with the pin"

# A recipe whose file name and version disagree is refused before anything is fetched.
sed 's/^UPSTREAM_VERSION=.*/UPSTREAM_VERSION=9.9.10/' recipe > bad-recipe
fetch badrecipe bad-recipe "$T_TMP/etc"
refused badrecipe "ORIG_FILE 'xen_9\.9\.9\.orig\.tar\.xz' is not xen_9\.9\.10\.orig\.tar\.<ext>" "recipe with a mismatched file name"
sed 's/^ORIG_SHA256=.*/ORIG_SHA256=abc/' recipe > bad-recipe
fetch badsha bad-recipe "$T_TMP/etc"
refused badsha "ORIG_SHA256 'abc' is not 64 lowercase hex digits" "recipe with a malformed hash"

# --- the real pin, served only from a pool path ---------------------------------------
R=$T_TOP/src/xen/recipe
RFILE=$(sh "$T_TOP/src/build/recipe-value" "$R" ORIG_FILE)
RSHA=$(sh "$T_TOP/src/build/recipe-value" "$R" ORIG_SHA256)
if [ -f "$XENHOST_CACHE/src/$RFILE" ]; then
    mkdir -p real/pool/main/x/xen
    cp "$XENHOST_CACHE/src/$RFILE" real/pool/main/x/xen/
    make_etc real-etc "file:$T_TMP/real"
    fetch realpin "$R" "$T_TMP/real-etc"
    t_eq "the recipe's pin, from a pool path listed in no index: fetched" 0 "$(cat realpin/rc)"
    t_eq "... and verified against the recipe's SHA-256" "$RSHA" "$(sha256sum < "realpin/out/$RFILE" | cut -c1-64)"
elif [ "${XENHOST_REQUIRE_BUILD:-0}" = 1 ]; then
    t_fail "the recipe's pinned file in the source cache ($XENHOST_CACHE/src/$RFILE)"
else
    t_skip "the recipe's pin, from a pool path" "$RFILE not in $XENHOST_CACHE/src (run make deb)"
fi
t_grep "docs/packaging.md states the pinned version" "\`$(t_re "$T_XEN_VERSION")\`" "$T_TOP/docs/packaging.md"
t_grep "docs/packaging.md states the pinned SHA-256" "\`$RSHA\`" "$T_TOP/docs/packaging.md"
t_eq "the recipe's file name carries its version" \
    "xen_$(sh "$T_TOP/src/build/recipe-value" "$R" UPSTREAM_VERSION).orig.tar.xz" "$RFILE"

# --- build-debs on a failed fetch: the one line, and no .deb ---------------------------
run_build() {
    local out=$T_TMP/$1
    mkdir -p "$out/cache"
    XENHOST_CACHE=$out/cache XENHOST_BUILD=$out/build XENHOST_APT_ETC=$2 sh "$T_TOP/src/build/build-debs" > "$out/stdout" 2> "$out/stderr"
    echo $? > "$out/rc"
}
build_refused() {
    t_eq "$1: exit status 1" 1 "$(cat "$1/rc")"
    t_eq "$1: exactly one error line" 1 "$(grep -c . "$1/stderr")"
    t_grep "$1: error names the problem and the remedy" "$2" "$1/stderr"
    t_eq "$1: no .deb left in the output directory" 0 "$(find "$1/build" -name '*.deb' 2>/dev/null | wc -l)"
}
mkdir -p empty-etc/sources.list.d
run_build no-sources "$T_TMP/empty-etc"
build_refused no-sources "$(t_re "$RFILE"): no Debian archive entry in .*empty-etc.*add the Debian archive"
run_build unreachable "$T_TMP/dead"
build_refused unreachable "$(t_re "$RFILE") \(SHA-256 $RSHA\) could not be fetched .*127\.0\.0\.1:9.*check the network"

# --- build-rpms without the stripping tools: refused before anything is built or cached -
# (rpmbuild alone succeeds and makes unstripped RPMs, which the cache would keep)
if command -v rpmbuild >/dev/null && command -v eu-strip >/dev/null; then
    mkdir -p no-eu-strip/bin
    for f in /usr/bin/* /usr/sbin/* /bin/* /sbin/*; do
        [ "${f##*/}" = eu-strip ] || ln -sf "$f" no-eu-strip/bin/ 2>/dev/null
    done
    mkdir -p no-eu-strip/cache
    XENHOST_CACHE=$T_TMP/no-eu-strip/cache XENHOST_BUILD=$T_TMP/no-eu-strip/build PATH=$T_TMP/no-eu-strip/bin \
        sh "$T_TOP/src/build/build-rpms" > no-eu-strip/stdout 2> no-eu-strip/stderr
    echo $? > no-eu-strip/rc
    build_refused no-eu-strip "eu-strip not found: the RPMs would not be stripped \(apt-get install debugedit elfutils"
    t_eq "no-eu-strip: nothing cached" "" "$(find no-eu-strip/cache -mindepth 1 -print -quit)"
else
    t_skip "build-rpms refuses without eu-strip" "needs rpmbuild and eu-strip (make deps DEPS_SETS=rpm)"
fi

# The host entries a deb822 file gives: URI, components, key and trust kept; disabled
# entries skipped (tests/fixtures/apt/d822, one of the apt reader's fixtures: t020).
t_eq "apt-entries reads deb822, keeps trust and skips disabled entries" \
"file:/srv/local|bookworm|main||yes
http://mirror.invalid/debian|bookworm-updates|main contrib|/usr/share/keyrings/debian-archive-keyring.gpg|
http://mirror.invalid/debian|bookworm|main contrib|/usr/share/keyrings/debian-archive-keyring.gpg|" \
    "$(sh "$T_TOP/src/build/apt-entries" "$T_TOP/tests/fixtures/apt/d822" | LC_ALL=C sort)"
t_end
