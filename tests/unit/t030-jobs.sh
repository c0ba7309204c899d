#!/bin/bash
# Unit tests of the bounded job pool in src/lib/jobs.c.
. "$(dirname "$0")/../lib.sh"
cc -std=gnu11 -Wall -Wextra -Werror -pthread -fsanitize=thread -o jobs_test "$T_TOP/tests/unit/jobs_test.c" \
   "$T_TOP/src/lib/jobs.c" 2>cc.log || { t_fail "jobs_test compiles" "$(cat cc.log)"; t_end; }
./jobs_test || T_FAILED=1
t_end
