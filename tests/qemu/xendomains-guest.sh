# dom0 side of t410-xendomains-host.sh (POSIX sh, runs once per boot as the test
# script). Three boots share one disk; /var/lib/xenhost-test/phase says which:
#   1: enable the units, two guests in /etc/xen/auto, start them, note each
#      guest's memory token; xend compatibility; power off (xendomains saves them)
#   2: the guests were restored at boot: same tokens; switch saving off; power off
#   3: the guests were shut down cleanly at the last stop and created at boot
# Markers on the test log: QH-<WHAT> lines that the host asserts.
S=/var/lib/xenhost-test
mkdir -p $S
phase=$(cat $S/phase 2>/dev/null || echo 1)
echo "QH-PHASE $phase"
log() { echo "QH-$*"; }
# token G [N]: the last token G printed on its console after line N of its log
# (guest console logging on; the log is appended across boots)
token() { tail -n "+$(( ${2:-0} + 1 ))" "/var/log/xen/console/guest-$1.log" 2>/dev/null |
          sed -n "s/^QH-TOKEN $1 //p" | tail -n 1 | tr -d '\r'; }
# fresh_token G: wait (300 s: a PV guest boots slowly under TCG on a busy host) for a
# token line written after this call, print its token. Only lines after the call
# count: a rebooted guest writes kernel messages long before its first token.
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
fresh_token() {
    n=$(lines "/var/log/xen/console/guest-$1.log"); i=0
    while [ $i -lt 300 ]; do
        [ "$(lines "/var/log/xen/console/guest-$1.log")" -lt "$n" ] && n=0   # log recreated
        t=$(token "$1" "$n")
        [ -n "$t" ] && { echo "$t"; return 0; }
        sleep 1; i=$((i + 1))
    done
    return 1
}
status() { xendomains status 2>&1 | sed 's/^/QH-STATUS /'; }

case $phase in
1)
    mkdir -p /var/log/journal && systemctl restart systemd-journald
    grep -q '^XENCONSOLED_TRACE=guest' /etc/default/xencommons 2>/dev/null ||
        echo 'XENCONSOLED_TRACE=guest' >> /etc/default/xencommons
    for k in /boot/vmlinuz-*; do cp "$k" $S/vmlinuz; break; done
    mkdir -p /etc/xen/auto
    for g in g1 g2; do
        cat > /etc/xen/auto/$g.cfg <<CFG
name = "$g"
type = "pv"
kernel = "$S/vmlinuz"
ramdisk = "$S/guest-initrd.gz"
extra = "console=hvc0 qh_name=$g"
memory = 128
vcpus = 1
CFG
    done
    systemctl daemon-reload
    systemctl enable xencommons.service xendomains.service 2>&1 | tail -n 2
    log "ENABLED $(systemctl is-enabled xencommons.service) $(systemctl is-enabled xendomains.service)"
    log "STOPTIMEOUT $(systemctl show -p TimeoutStopUSec --value xendomains.service)"
    # (xenconsoled may already run from the packaged units: make it log the consoles)
    systemctl is-active -q xenconsoled.service && systemctl restart xenconsoled.service
    systemctl start xend.service
    log "XEND $(systemctl is-active xend.service) xenstored=$(systemctl is-active xenstored.service) xenconsoled=$(systemctl is-active xenconsoled.service)"
    systemctl stop xend.service; service xend start
    log "SERVICE-XEND rc=$? $(systemctl is-active xend.service)"
    # the package enabled xendomains, which ran at boot with no guests: restart it
    t0=$(date +%s)
    systemctl restart xendomains.service
    log "XENDOMAINS-START $(systemctl is-active xendomains.service) $(( $(date +%s) - t0 ))s"
    xl list
    for g in g1 g2; do
        t=$(fresh_token $g) && echo "$t" > $S/token-$g
        log "TOKEN1 $g ${t:-none}"
    done
    # the packaged engine reads state through libxl; through "xl list" (another xl
    # path selects it) it must see the same guests running
    log "STATE-SOURCE $(xendomains check | sed -n 's/^# domain state read through //p')"
    ln -sf /usr/sbin/xl /usr/local/sbin/xl-other
    running() { xendomains "$@" list | awk 'NR > 1 { print $1, $2 }' | sort | tr '\n' ' '; }
    a=$(running); b=$(running --xl /usr/local/sbin/xl-other)
    if [ "$a" = "$b" ]; then log "SOURCES-AGREE $a"; else log "SOURCES-DIFFER libxl=$a xl-list=$b"; fi
    status
    journalctl -b -u xendomains.service --no-pager 2>&1 | tail -n 12 | sed 's/^/QH-JOURNAL0 /'
    echo 2 > $S/phase ;;
2)
    status
    xl list
    for g in g1 g2; do
        t=$(fresh_token $g)
        if [ -n "$t" ] && [ "$t" = "$(cat $S/token-$g)" ]; then log "TOKEN-SURVIVED $g $t"; else log "TOKEN-CHANGED $g ${t:-none}"; fi
    done
    journalctl -b -1 -u xendomains.service --no-pager 2>&1 | tail -n 12 | sed 's/^/QH-JOURNAL1 /'
    sed -i 's|^XENDOMAINS_SAVE=.*|XENDOMAINS_SAVE=|' /etc/default/xendomains
    grep '^XENDOMAINS_SAVE=' /etc/default/xendomains | sed 's/^/QH-CONF /'
    echo 3 > $S/phase ;;
3)
    status
    xl list
    for g in g1 g2; do
        grep -q "QH-GUEST-DOWN $g" "/var/log/xen/console/guest-$g.log" && log "CLEAN-SHUTDOWN $g"
        t=$(fresh_token $g)
        if [ -n "$t" ] && [ "$t" != "$(cat $S/token-$g)" ]; then log "FRESH-BOOT $g $t"; else log "NOT-FRESH $g ${t:-none}"; fi
    done
    journalctl -b -1 -u xendomains.service --no-pager 2>&1 | tail -n 12 | sed 's/^/QH-JOURNAL2 /'
    journalctl -b 0 -u xendomains.service --no-pager 2>&1 | tail -n 6 | sed 's/^/QH-JOURNAL3 /'
    find /var/lib/xen/save -maxdepth 1 -type f 2>/dev/null | sed "s/^/QH-SAVEDIR /"
    echo finished > $S/phase ;;
esac
