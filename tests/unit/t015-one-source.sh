#!/bin/bash
# What the code keeps in one place stays there: checks over the tracked sources
# that fail when a second copy appears.
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 1
# source files: C, and the shell scripts of src/ and scripts/ (by their first line)
srcs() { git ls-files -- src scripts | while read -r f; do
    case $f in *.c|*.h) echo "$f" ;; *) head -n1 "$f" 2>/dev/null | grep -q '^#!.*sh' && echo "$f" ;; esac; done; }
srcs > "$T_TMP/srcs"
t_check "there are sources to look at" test "$(wc -l < "$T_TMP/srcs")" -gt 20

# the distributions: src/lib/dists.h only
t_eq "Debian code names are written only in src/lib/dists.h" "" \
    "$(grep -l -w -E 'buster|bullseye|trixie|forky|duke|oldstable' $(grep -v '^src/lib/dists.h$' "$T_TMP/srcs"))"
t_check "fetch-orig reads the suite names from dists.h" grep -q 'lib/dists.h' src/build/fetch-orig
# the host's apt sources: one reader (src/lib/aptsrc.c); the shell side runs it
t_check "src/build/apt-entries runs the C reader, parses nothing itself" sh -c \
    "grep -q 'apt-entries.mk' src/build/apt-entries && ! grep -v '^#' src/build/apt-entries | grep -Ewq 'awk|sed|read'"
t_eq "deb822 fields are read only by src/lib/aptsrc.c" "src/lib/aptsrc.c" \
    "$(grep -l -E '"(Suites|Components|Signed-By)"' $(cat "$T_TMP/srcs"))"
# the xendomains time budget: one formula (src/tools/xendomains/budget.c)
t_eq "timeouts are computed only in budget.c" "src/tools/xendomains/budget.c" \
    "$(grep -l -E '[0-9] \* c->(start|stop)_maxwait|maxwait \+ [0-9]' src/tools/xendomains/*.c)"
# the guests' default bridge: one setting, one reader (src/lib/guestbridge.c, docs/network.md)
t_eq "the setting's name and the default bridge are written only in src/lib/guestbridge.h" "src/lib/guestbridge.h" \
    "$(grep -l -E '"(XENHOST_GUEST_BRIDGE|xenbr0)"' $(grep -E '\.(c|h)$' "$T_TMP/srcs"))"
t_end
