#!/bin/bash
# Unit tests of src/lib/aptsrc.c: the host apt sources reader (.list and deb822 .sources).
. "$(dirname "$0")/../lib.sh"
cc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined -o aptsrc_test "$T_TOP/tests/unit/aptsrc_test.c" \
   "$T_TOP/src/lib/aptsrc.c" 2>cc.log || { t_fail "aptsrc_test compiles" "$(cat cc.log)"; t_end; }
./aptsrc_test || T_FAILED=1
t_end
