#!/usr/bin/env bash
# dirmail vs Postfix, side by side, in one run: one private slapd (10,000 qmail-ldap users),
# one private Postfix 3.7 with LDAP tables, one dirmail pointed at the same slapd; both deliver
# to Maildirs with full durability. Runs alternate MTA by MTA, case by case, REPS times, with
# the shared load generator (smtp-source through smtp-load.sh), then prints medians and the
# dirmail/Postfix ratio of each case.
#
# usage: sudo bench/run.sh [REPS]                (REPS default 3)
# needs: apt-get install postfix postfix-ldap slapd ldap-utils swaks   (see bench/README.md)
# env:   BENCH_CASES (default "local:5000:20:4096:1 local:1000:20:102400:1 local:1000:20:4096:5
#                     latency:100:20:4096:10")
#        local:MESSAGES:SESSIONS:SIZE:RCPTS     throughput, with smtp-load.sh
#        relay:MESSAGES:SESSIONS:SIZE:RCPTS     the same to relay.example.net, which both MTAs relay
#                                               to an smtp-sink on SINK_PORT (2526) that writes
#                                               each message to a file (BENCH_RELAY=1 appends
#                                               relay:5000:20:4096:1)
#        latency:RATE:SECONDS:SIZE:SESSIONS     transaction latency at a fixed rate, with the
#                                               LatencyProbe of bench/jmh (SESSIONS persistent)
#        BENCH_USERS (10000)  BENCH_WARMUP (500)  BENCH_KEEP=1 keeps the temp folder
#        SHARED_BENCH (../shared/bench beside the clone)  DIRMAIL_JAVA_OPTS (see below)
#        LDAP_PORT (3389) SMTP_PORT (2525, Postfix) DIRMAIL_PORT (2527) DIRMAIL_ADMIN_PORT (9027)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
[[ -f $SHARED_BENCH/lib/common.sh ]] || { echo "shared bench scripts not found in $SHARED_BENCH (set SHARED_BENCH)" >&2; exit 1; }
source "$SHARED_BENCH/lib/common.sh"

REPS=${1:-3}
BENCH_USERS=${BENCH_USERS:-10000}
BENCH_CASES=${BENCH_CASES:-"local:5000:20:4096:1 local:1000:20:102400:1 local:1000:20:4096:5 latency:100:20:4096:10"}
[[ ${BENCH_RELAY:-0} == 1 ]] && BENCH_CASES+=" relay:5000:20:4096:1"
SINK_PORT=${SINK_PORT:-2526}
RELAY_DOMAIN=${RELAY_DOMAIN:-relay.example.net}
BENCH_WARMUP=${BENCH_WARMUP:-500}
BENCH_KEEP=${BENCH_KEEP:-0}
export LDAP_PORT=${LDAP_PORT:-3389} SMTP_PORT=${SMTP_PORT:-2525}
# postfix-start.sh reads LDAP_URI: follow LDAP_PORT, or Postfix asks a slapd that is not there.
export LDAP_URI=${LDAP_URI:-ldap://127.0.0.1:$LDAP_PORT/}
DIRMAIL_PORT=${DIRMAIL_PORT:-2527}
DIRMAIL_ADMIN_PORT=${DIRMAIL_ADMIN_PORT:-9027}
export LDAP_USERS=$BENCH_USERS LOAD_USERS=$BENCH_USERS
# Every recipient is resolved by mail or mailAlternateAddress, by both MTAs (RCPTS > 1 needs it).
export LDAP_FILTER='(|(mail=%s)(mailAlternateAddress=%s))'
# The JVM defaults of bin/dirmail (a small server: 128 MiB serial-GC heap, C1 only), so the bench
# measures what users run.
DIRMAIL_JAVA_OPTS=${DIRMAIL_JAVA_OPTS:-"-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=128m"}

[[ $(id -u) == 0 ]] || die "run as root"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer"
for b in slapd slapadd ldapsearch postfix postconf smtp-source perl java; do
    find_bin "$b" "/usr/sbin/$b" >/dev/null || die "$b not found (see bench/README.md)"
done
port_open 127.0.0.1 "$DIRMAIL_PORT" && die "127.0.0.1:$DIRMAIL_PORT is already in use"
port_open 127.0.0.1 "$DIRMAIL_ADMIN_PORT" && die "127.0.0.1:$DIRMAIL_ADMIN_PORT is already in use"

JAR=$ROOT/mta/target/dirmail.jar
if [[ ! -f $JAR ]]; then
    log "building dirmail"
    (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
fi
BENCH_JAR=$ROOT/bench/jmh/target/benchmarks.jar
if [[ " $BENCH_CASES" == *" latency:"* && ! -f $BENCH_JAR ]]; then
    log "building the latency probe"
    (cd "$ROOT" && mvn -B -q -DskipTests -pl bench/jmh -am package) >&2
fi

WORK=$(mktemp -d -t dirmail-bench.XXXXXX)
chmod 755 "$WORK"
DIRMAIL_PID=
SINK_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    log "tearing down"
    [[ -n $DIRMAIL_PID ]] && stop_pid "$DIRMAIL_PID" java
    [[ -n $SINK_PID ]] && stop_pid "$SINK_PID" smtp-sink
    "$SHARED_BENCH/postfix-stop.sh" "$WORK/postfix" || true
    "$SHARED_BENCH/ldap-stop.sh" "$WORK/ldap" || true
    if [[ $BENCH_KEEP == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== dirmail vs postfix $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:  $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), $(free -m | awk '/^Mem:/ { print $2 }') MiB RAM, kernel $(uname -r)"
echo "postfix:  $(postconf -d -h mail_version 2>/dev/null || echo '?'); slapd $(slapd -VV 2>&1 | sed -n 's/.*slapd \([0-9.]*\).*/\1/p' | head -1)"
echo "dirmail:  $(java -jar "$JAR" --version) on $(java -version 2>&1 | head -1); JAVA_OPTS $DIRMAIL_JAVA_OPTS"
echo "cases:    $BENCH_CASES; reps $REPS; directory $BENCH_USERS users; warm-up $BENCH_WARMUP msgs per MTA"

# ---- start the directory, the sink and both MTAs ----------------------------------
LDAP_PID=$("$SHARED_BENCH/ldap-start.sh" "$WORK/ldap" | tail -1)
RELAY_CONF=
if [[ " $BENCH_CASES" == *" relay:"* ]]; then
    SMTP_SINK=$(find_bin smtp-sink /usr/sbin/smtp-sink) || die "smtp-sink not found (it comes with postfix)"
    port_open 127.0.0.1 "$SINK_PORT" && die "127.0.0.1:$SINK_PORT is already in use"
    mkdir -p "$WORK/sink"
    chown nobody "$WORK/sink"
    # One file per relayed message in sink/new/, which smtp-load.sh counts like Maildir files.
    "$SMTP_SINK" -u nobody -h sink.localdomain -d "$WORK/sink/new/%Y%m%d%H%M." \
        127.0.0.1:"$SINK_PORT" 256 > "$WORK/sink.log" 2>&1 &
    SINK_PID=$!
    for ((i = 0; i < 50; i++)); do port_open 127.0.0.1 "$SINK_PORT" && break; sleep 0.1; done
    port_open 127.0.0.1 "$SINK_PORT" || die "smtp-sink did not start; see $WORK/sink.log"
    export RELAY_PORT=$SINK_PORT RELAY_DOMAIN   # postfix-start.sh relays $RELAY_DOMAIN there
    # The same route for dirmail; the load comes from 127.0.0.1, which Postfix's mynetworks has
    # too; no STARTTLS, as Postfix's smtp client here.
    RELAY_CONF="transport_routes = $RELAY_DOMAIN:[127.0.0.1]:$SINK_PORT
relay_networks = 127.0.0.0/8
remote_tls_policy = none"
fi
POSTFIX_PID=$("$SHARED_BENCH/postfix-start.sh" "$WORK/postfix" | tail -1)
POSTFIX_MAIL=$WORK/postfix/mail

mkdir -p "$WORK/dirmail"
cat > "$WORK/dirmail/dirmail.conf" <<CONF
# Production durability (every 250 after fsync of file and directory, every Maildir file
# fsynced); the same live lookups as Postfix: at RCPT and again at delivery, no cache.
hostname = bench.localdomain
data_dir = $WORK/dirmail
smtp_listen = 127.0.0.1:$DIRMAIL_PORT
submission_listen =
smtps_listen =
pop3_listen =
pop3s_listen =
local_domains = example.com
embedded_directory = no
ldap_urls = ldap://127.0.0.1:$LDAP_PORT/
ldap_base_dn = dc=example,dc=com
local_delivery_concurrency = 20
# The baseline Postfix runs smtpd without postscreen, so no pregreet delay here either: with
# one connection per message, a 300 ms greeting delay alone caps 20 sessions at ~66 msg/s.
smtp_greeting_delay = 0s
# For the LDAP lookups per message (dirmail_ldap_requests_total); slapd has no counter we can read.
admin_listen = 127.0.0.1:$DIRMAIL_ADMIN_PORT
$RELAY_CONF
CONF
# shellcheck disable=SC2086
java $DIRMAIL_JAVA_OPTS -jar "$JAR" run --config "$WORK/dirmail/dirmail.conf" > "$WORK/dirmail/maillog" 2>&1 &
DIRMAIL_PID=$!
for ((i = 0; i < 300; i++)); do port_open 127.0.0.1 "$DIRMAIL_PORT" && break; sleep 0.1; done
port_open 127.0.0.1 "$DIRMAIL_PORT" || die "dirmail did not start; see $WORK/dirmail/maillog"
DIRMAIL_MAIL=$WORK/dirmail/mail

# ---- per-MTA helpers -------------------------------------------------------------
# dirmail's own count of directory lookups (one per recipient resolution); empty without curl.
dirmail_lookups() {
    command -v curl >/dev/null || return 0
    curl -s --max-time 5 "http://127.0.0.1:$DIRMAIL_ADMIN_PORT/metrics" \
        | awk '/^dirmail_ldap_requests_total\{.*pool="lookup"/ { n += $2 } END { if (NR) printf "%d", n }'
}
mta_port() { [[ $1 == postfix ]] && echo "$SMTP_PORT" || echo "$DIRMAIL_PORT"; }
mta_pid() { [[ $1 == postfix ]] && echo "$POSTFIX_PID" || echo "$DIRMAIL_PID"; }
mta_mail() { [[ $1 == postfix ]] && echo "$POSTFIX_MAIL" || echo "$DIRMAIL_MAIL"; }
queue_files() {
    if [[ $1 == postfix ]]; then
        find "$WORK/postfix/spool"/{maildrop,incoming,active,deferred,hold} -type f 2>/dev/null | wc -l
    else
        find "$WORK/dirmail/queue/msg" -type f 2>/dev/null | wc -l
    fi
}
reset_store() {
    local i
    for ((i = 0; i < 600; i++)); do (( $(queue_files "$1") == 0 )) && break; sleep 0.5; done
    (( $(queue_files "$1") == 0 )) || log "WARNING: $1 queue not empty before run"
    find "$(mta_mail "$1")" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true
    [[ -d $WORK/sink ]] && find "$WORK/sink" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    sync
    sleep 2
}

# ---- smoke test and warm-up, per MTA -------------------------------------------
for mta in postfix dirmail; do
    smtp-source -s 1 -m 1 -f bench@sender.example -t user0@example.com "127.0.0.1:$(mta_port $mta)" \
        || die "$mta: smoke test failed: user0@example.com not accepted"
    for ((i = 0; i < 100; i++)); do ls "$(mta_mail $mta)"/example.com/user0/new/* >/dev/null 2>&1 && break; sleep 0.1; done
    ls "$(mta_mail $mta)"/example.com/user0/new/* >/dev/null 2>&1 || die "$mta: smoke test failed: no Maildir file"
    if (( BENCH_WARMUP > 0 )); then
        log "$mta: warm-up, $BENCH_WARMUP messages (not recorded)"
        SEED=999 LABEL=warmup MTA_PID=$(mta_pid $mta) LDAP_PID=$LDAP_PID \
            "$SHARED_BENCH/smtp-load.sh" 127.0.0.1 "$(mta_port $mta)" "$(mta_mail $mta)" "$BENCH_WARMUP" 20 4096 1 \
            >/dev/null || die "$mta: warm-up failed"
    fi
done

# ---- measured runs: each case, each MTA, alternating ------------------------------
RESULTS=$WORK/results.txt
: > "$RESULTS"
for ((rep = 1; rep <= REPS; rep++)); do
    for c in $BENCH_CASES; do
        IFS=: read -r kind f1 f2 f3 f4 <<<"$c"
        [[ $kind == local || $kind == relay || $kind == latency ]] || die "unknown case kind $kind (local, relay or latency)"
        for mta in postfix dirmail; do
            reset_store "$mta"
            if [[ $kind == latency ]]; then
                # f1 = msg/s, f2 = seconds, f3 = size, f4 = sessions; the same seeded recipients per rep
                probe=(java -cp "$BENCH_JAR" org.dirmail.bench.LatencyProbe --host 127.0.0.1 --port "$(mta_port $mta)"
                    --rate "$f1" --seconds "$f2" --size "$f3" --sessions "$f4" --rcpt 'user%d@example.com'
                    --users "$BENCH_USERS" --seed "$rep" --label "$mta:$c:rep$rep")
                echo "\$ LatencyProbe --port $(mta_port $mta) --rate $f1 --seconds $f2 --size $f3 --sessions $f4   # $mta rep$rep"
                "${probe[@]}" | tee "$WORK/last-run.txt" || true
            else
                root=$(mta_mail $mta) domain=example.com
                [[ $kind == relay ]] && root=$WORK/sink domain=$RELAY_DOMAIN
                echo "\$ smtp-load.sh 127.0.0.1 $(mta_port $mta) <$kind-root> $f1 $f2 $f3 $f4   # $mta rep$rep"
                lookups0=$([[ $mta == dirmail ]] && dirmail_lookups || true)
                RCPT_DOMAIN=$domain LABEL="$mta:$c:rep$rep" MTA_PID=$(mta_pid $mta) LDAP_PID=$LDAP_PID \
                    "$SHARED_BENCH/smtp-load.sh" 127.0.0.1 "$(mta_port $mta)" "$root" \
                    "$f1" "$f2" "$f3" "$f4" | tee "$WORK/last-run.txt" || true
                lookups1=$([[ $mta == dirmail ]] && dirmail_lookups || true)
                if [[ -n $lookups0 && -n $lookups1 ]]; then
                    sed -i "/^RESULT /s/\$/ ldap_lookups=$((lookups1 - lookups0))/" "$WORK/last-run.txt"
                fi
            fi
            grep '^RESULT ' "$WORK/last-run.txt" >> "$RESULTS" || true
            echo
        done
    done
done
[[ -n ${BENCH_OUT:-} ]] && cat "$RESULTS" >> "$BENCH_OUT"

# ---- summary: medians per MTA and case, then dirmail/postfix ratios ----------------
echo "== medians over $REPS runs per MTA and case"
awk -f "$ROOT/bench/summary.awk" "$RESULTS"
if grep -qv ' status=ok ' "$RESULTS" || [[ ! -s $RESULTS ]]; then
    log "some runs did not complete (see status in the RESULT lines)"
    exit 1
fi
