#!/bin/bash
# xen-list-images and xen-delete-image on configs written by xen-create-image
# (taken from --dry-run), with the fake xl (common.sh) saying which guests run, or
# failing to answer.
. "$(dirname "$0")/../lib.sh"
t_need_root
. "$T_TOP/tests/xen-tools/common.sh"
mkdir -p etc/auto srv
make_guest() {  # make_guest NAME ARGS...: config as xen-create-image writes it, plus fake volumes
    local n=$1; shift
    "$XCI" --hostname="$n" --dir="$T_TMP/srv" --output="$T_TMP/etc" --dry-run "$@" > "$n.plan" 2>&1 ||
        { t_fail "setup: the plan of $n" "$(cat "$n.plan")"; t_end; }
    sed -n '/^--- /,$p' "$n.plan" | sed 1d > "etc/$n.cfg"
    mkdir -p "srv/domains/$n"; echo root > "srv/domains/$n/disk.img"; echo swap > "srv/domains/$n/swap.img"
}
make_guest alpha --ip=10.1.1.1/24 --memory=256M
make_guest beta --dhcp --vcpus=2
ln -s "$T_TMP/etc/beta.cfg" etc/auto/beta.cfg
echo 'name = "handmade"' > etc/handmade.cfg

"$XLI" --output="$T_TMP/etc" > list.out; t_eq "xen-list-images exits 0" 0 $?
t_grep "lists alpha" '^Name: alpha$' list.out
t_grep "alpha memory" '^Memory: 256 MB$' list.out
t_grep "alpha IP" '^IP: 10.1.1.1$' list.out
t_grep "beta DHCP" '^DHCP: yes$' list.out
t_grep "beta disk" "^Disk: $T_TMP/srv/domains/beta/disk.img$" list.out
t_nogrep "configs not ours are not listed" 'handmade' list.out
"$XLI" --output="$T_TMP/etc" beta > one.out; t_eq "one named guest" 1 "$(grep -c '^Name:' one.out)"
t_must_fail "unknown guest name fails" "$XLI" --output="$T_TMP/etc" nosuch
many=(); for i in $(seq 300); do many+=(alpha); done
"$XLI" --output="$T_TMP/etc" "${many[@]}" nosuch > many.out 2>&1; t_eq "a missing 301st name: exit 1" 1 $?
t_grep "... named (names past the 256th are not ignored)" 'nosuch: no such guest in' many.out
# the shared xl config reader: every disk of a list, in order
cat > etc/five.cfg <<'EOS'
#xci dist=bookworm arch=amd64 storage=dir:/srv network=dhcp
name = "five"
disk = [ 'target=/d/1', 'target=/d/2', 'target=/d/3',
         'target=/d/4', 'target=/d/5' ]
EOS
"$XLI" --output="$T_TMP/etc" five > five.out
t_eq "every disk of a config is listed (not the first four)" "/d/1 /d/2 /d/3 /d/4 /d/5" "$(sed -n 's/^Disk: //p' five.out | paste -sd' ')"
printf '#xci dist=bookworm\nname = "broken"\ndisk = [ "target=/d/1" "target=/d/2" ]\n' > etc/broken.cfg
"$XDI" --output="$T_TMP/etc" broken > broken.out 2>&1; t_eq "a config that does not parse: exit 1" 1 $?
t_grep "... refused with the line and reason" "broken.cfg: line 3: expected ',' or '\]' in list" broken.out
rm etc/five.cfg etc/broken.cfg

kept() { [ -f srv/domains/beta/disk.img ] && [ -f srv/domains/beta/swap.img ] && [ -f etc/beta.cfg ] && [ -L etc/auto/beta.cfg ]; }
echo "7 256 m" > "$FAKEXL_DIR/doms/beta"
"$XDI" --output="$T_TMP/etc" beta > del1.out 2>&1; t_eq "running guest: exit 1" 1 $?
t_grep "running guest: says so" 'running; shut it down first' del1.out
kept && t_ok "running guest: nothing removed" || t_fail "running guest: nothing removed"
rm "$FAKEXL_DIR/doms/beta"

# xl cannot be asked: no answer is not "not running" (fail closed)
echo "list * fail" > "$FAKEXL_DIR/faults"
"$XDI" --output="$T_TMP/etc" beta > del5.out 2>&1; t_eq "xl cannot reach the hypervisor: exit 1" 1 $?
t_grep "xl cannot reach the hypervisor: refused, with xl's reason" "beta: cannot tell whether the guest is running \(xl list: exit 1: libxl: error: cannot connect to xenstore\); refusing" del5.out
kept && t_ok "xl cannot reach the hypervisor: nothing removed" || t_fail "xl cannot reach the hypervisor: nothing removed" "$(ls -R srv etc)"
echo "list * crash" > "$FAKEXL_DIR/faults"
"$XDI" --output="$T_TMP/etc" beta > del6.out 2>&1; t_eq "xl crashes: exit 1" 1 $?
t_grep "xl crashes: refused" 'beta: cannot tell whether the guest is running \(xl list: killed by signal 11' del6.out
rm "$FAKEXL_DIR/faults"
env PATH=/usr/bin:/bin "$XDI" --output="$T_TMP/etc" beta > del7.out 2>&1; t_eq "no xl at all: exit 1" 1 $?
t_grep "no xl at all: refused, says why" 'beta: cannot tell whether the guest is running \(xl list: xl: No such file or directory\)' del7.out
printf '#!/bin/sh\necho "Name ID Mem VCPUs State Time(s)"\n' > "$T_TMP/fakebin/xl.empty"; chmod +x "$T_TMP/fakebin/xl.empty"
mkdir -p emptyxl; ln -s "$T_TMP/fakebin/xl.empty" emptyxl/xl
env PATH="$T_TMP/emptyxl:$PATH" "$XDI" --output="$T_TMP/etc" beta > del8.out 2>&1; t_eq "an xl list without Domain-0: exit 1" 1 $?
t_grep "an xl list without Domain-0: refused" 'no Domain-0 in its output' del8.out
kept && t_ok "no answer in any form: nothing removed" || t_fail "no answer in any form: nothing removed" "$(ls -R srv etc)"

"$XDI" --output="$T_TMP/etc" --dry-run beta > dry.out 2>&1
t_grep "dry run lists the volumes" "would remove $T_TMP/srv/domains/beta/swap.img" dry.out
[ -f srv/domains/beta/disk.img ] && t_ok "dry run removes nothing" || t_fail "dry run removes nothing"
"$XDI" --output="$T_TMP/etc" beta > del2.out 2>&1; t_eq "delete beta: exit 0" 0 $?
[ ! -e srv/domains/beta ] && [ ! -e etc/beta.cfg ] && [ ! -L etc/auto/beta.cfg ] \
    && t_ok "beta's volumes, directory, config and autostart link are gone" || t_fail "beta removed whole" "$(ls -R srv etc)"
[ -f srv/domains/alpha/disk.img ] && [ -f etc/alpha.cfg ] && t_ok "alpha untouched" || t_fail "alpha untouched"

"$XDI" --output="$T_TMP/etc" handmade > del3.out 2>&1; t_eq "config not ours: exit 1" 1 $?
t_grep "config not ours: says why" 'not written by xen-create-image' del3.out
[ -f etc/handmade.cfg ] && t_ok "config not ours: kept" || t_fail "config not ours: kept"

sed -i "s|target=$T_TMP/srv/domains/alpha/swap.img|target=/etc/passwd|" etc/alpha.cfg
"$XDI" --output="$T_TMP/etc" --hostname=alpha > del4.out 2>&1
t_grep "foreign volume left alone" '/etc/passwd is not one xen-create-image makes; left alone' del4.out
[ -f /etc/passwd ] && [ ! -e srv/domains/alpha/disk.img ] && t_ok "own volume removed, foreign kept" || t_fail "own volume removed, foreign kept"
t_must_fail "no name: usage error" "$XDI" --output="$T_TMP/etc"
"$XDI" --bogus >/dev/null 2>&1; t_eq "unknown option: exit 2" 2 $?
t_end
