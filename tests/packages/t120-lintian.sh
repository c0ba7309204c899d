#!/bin/bash
# lintian on every built .deb: no errors. Warnings left are listed in docs/packaging.md.
. "$(dirname "$0")/../lib.sh"
t_need_cmd lintian
t_need_packages
for deb in "$T_DEBS"/*.deb; do
    n=$(basename "$deb")
    lintian --no-tag-display-limit "$deb" > "$n.lintian" 2>&1
    errs=$(grep -c '^E: ' "$n.lintian")
    if [ "$errs" = 0 ]; then t_ok "lintian: $n has no errors"; else t_fail "lintian: $n has no errors" "$(grep '^E: ' "$n.lintian" | head -n 20)"; fi
    grep '^W: ' "$n.lintian" | sed 's/^/# /'
done
t_end
