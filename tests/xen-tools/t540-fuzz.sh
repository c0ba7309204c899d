#!/bin/bash
# A short libFuzzer run over xen-create-image's command-line and config
# parsers, its writers (xl config, every per-guest file), the xl config reader
# and the apt sources reader (ASan + UBSan).
# Longer runs: docs/xen-create-image.md. XCI_FUZZ_SECONDS sets the length.
. "$(dirname "$0")/../lib.sh"
t_need_cmd clang
F=$T_TOP/tests/xen-tools/fuzz
S=$T_TOP/src/xen-tools
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o fuzz-opts \
    "$F/fuzz-opts.c" "$S"/opts.c "$S"/validate.c "$S"/dists.c "$S"/plan.c "$S"/guestfiles.c "$S"/compcfg.c \
    "$T_TOP"/src/lib/*.c -pthread 2>cc.log \
    && t_ok "fuzz target builds" || { t_fail "fuzz target builds" "$(tail -20 cc.log)"; t_end; }
mkdir corpus && cp "$F"/corpus/* corpus/ || { t_fail "the seed corpus is copied"; t_end; }
./fuzz-opts -max_total_time="${XCI_FUZZ_SECONDS:-30}" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
    -dict="$F/options.dict" corpus >fuzz.log 2>&1
rc=$?
runs=$(grep -o 'Done [0-9]* runs' fuzz.log | grep -o '[0-9]*')
if [ $rc = 0 ] && [ -n "$runs" ] && [ "$runs" -gt 1000 ]; then t_ok "fuzzing: $runs runs, no finding"
else t_fail "fuzzing found a problem (exit $rc)" "$(grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error' fuzz.log | head -20)"; fi
t_end
