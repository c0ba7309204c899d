#!/bin/bash
# Unit tests of the xendomains engine's readers (xl list, guest configs, disk specs).
. "$(dirname "$0")/../lib.sh"
make -s -C "$T_TOP/src/lib" >build.log 2>&1 || { t_fail "src/lib builds" "$(tail build.log)"; t_end; }
X=$T_TOP/src/tools/xendomains
cc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined -I"$T_TOP/src/lib" -o parse_test \
   "$T_TOP/tests/xendomains/parse_test.c" "$X/guestcfg.c" "$X/xl.c" "$X/libxl.c" "$T_TOP/src/lib/libxenhost.a" \
   2>cc.log || { t_fail "parse_test compiles" "$(cat cc.log)"; t_end; }
./parse_test || T_FAILED=1
t_end
