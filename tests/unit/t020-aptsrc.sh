#!/bin/bash
# The one apt sources reader (src/lib/aptsrc.c), through the program the build scripts
# run (src/build/apt-entries): every fixture of tests/fixtures/apt gives exactly its
# `expected` lines, in order; and its unit test (files named, walk stopped).
. "$(dirname "$0")/../lib.sh"
FX=$T_TOP/tests/fixtures/apt
n=0
for d in "$FX"/*/; do
    d=${d%/}; n=$((n + 1))
    sh "$T_TOP/src/build/apt-entries" "$d" > "got.${d##*/}" 2> "err.${d##*/}"
    t_eq "apt-entries: ${d##*/}: exit 0, nothing on stderr" "0 " "$? $(cat "err.${d##*/}")"
    t_eq "apt-entries: ${d##*/}: the expected entries, in order" "$(cat "$d/expected")" "$(cat "got.${d##*/}")"
done
t_check "there are fixtures ($n)" test "$n" -ge 4
cc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined -o aptsrc_test "$T_TOP/tests/unit/aptsrc_test.c" \
   "$T_TOP/src/lib/aptsrc.c" "$T_TOP/src/lib/files.c" 2>cc.log || { t_fail "aptsrc_test compiles" "$(cat cc.log)"; t_end; }
./aptsrc_test "$FX/order" || T_FAILED=1
t_end
