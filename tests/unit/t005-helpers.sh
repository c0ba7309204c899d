#!/bin/bash
# The test helpers themselves: a check with nothing to look at fails, a C CHECK
# evaluates its condition once, REQUIRE stops a test whose setup failed.
. "$(dirname "$0")/../lib.sh"
# run a helper in a subshell, keeping only its first result line
first() { ( "$@" ) 2>&1 | grep -m1 -E '^(ok|not ok) - ' | sed 's/ - .*//'; }
echo present > f; : > empty
t_eq "t_grep: a match passes" ok "$(first t_grep d present f)"
t_eq "t_grep: a missing file fails" "not ok" "$(first t_grep d present nofile)"
t_eq "t_nogrep: no match passes" ok "$(first t_nogrep d absent f)"
t_eq "t_nogrep: a match fails" "not ok" "$(first t_nogrep d present f)"
t_eq "t_nogrep: a missing file fails (no log is not a clean log)" "not ok" "$(first t_nogrep d secret nofile)"
t_eq "t_nogrep: a command that printed nothing fails" "not ok" "$(first t_nogrep d secret <(true))"
t_eq "t_nogrep: every file is read, not only the first" "not ok" "$(first t_nogrep d present empty f)"
t_eq "t_grep: every file is read, not only the first" ok "$(first t_grep d present empty f)"
cat > once.c <<'EOC'
#include "test.h"
int main(void)
{
    int n = 0;
    CHECK(n++ == 0, "side effect runs once");
    CHECK(n == 1, "condition evaluated once (n=%d)", n);
    if (TEST_END()) return 1;
    REQUIRE(n == 2, "a failed setup step");
    printf("ok - not reached\n");
    return 0;
}
EOC
cc -std=gnu11 -Wall -Wextra -Werror -I"$T_TOP/tests/unit" -o once once.c 2>cc.log || { t_fail "once.c compiles" "$(cat cc.log)"; t_end; }
./once > once.out; rc=$?
t_eq "CHECK: a side-effecting condition passes once" "ok - side effect runs once|ok - condition evaluated once (n=1)|not ok - setup: a failed setup step" \
    "$(grep -E '^(ok|not ok) - ' once.out | paste -sd'|')"
t_eq "REQUIRE: stops with exit 1" 1 "$rc"
t_end
