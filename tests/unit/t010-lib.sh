#!/bin/bash
# Unit tests of the shared C helpers in src/lib (values, files, config reader, spawn, atomic writes).
. "$(dirname "$0")/../lib.sh"
make -s -C "$T_TOP/src/lib" >build.log 2>&1 || { t_fail "src/lib builds with -Werror" "$(tail build.log)"; t_end; }
cc -std=gnu11 -Wall -Wextra -Werror -pthread -fsanitize=address,undefined -o lib_test "$T_TOP/tests/unit/lib_test.c" \
   "$T_TOP"/src/lib/*.c 2>cc.log || { t_fail "lib_test compiles" "$(cat cc.log)"; t_end; }
./lib_test
rc=$?
[ $rc = 0 ] || T_FAILED=1
t_end
