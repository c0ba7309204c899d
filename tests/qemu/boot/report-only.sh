. /usr/local/sbin/report.sh
