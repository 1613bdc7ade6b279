# Reads RESULT lines (label=MTA:case:repN) and prints, per case, the medians for each MTA and
# the dirmail/postfix ratios: throughput cases (smtp-load.sh) in one table, latency cases
# (kind=latency, from the LatencyProbe) in another. Used by bench/run.sh.
function med(key, m,   n, i, j, t, a) {
    n = split(vals[key, m], a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    if (n == 0) return 0
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    delete kv
    for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    split(kv["label"], l, ":")
    mta = l[1]; c = l[2] ":" l[3] ":" l[4] ":" l[5] ":" l[6]
    key = mta SUBSEP c
    latency = kv["kind"] == "latency"
    if (!(c in seen)) { seen[c] = 1; if (latency) lorder[++nl] = c; else order[++nc] = c }
    runs[key]++
    if (kv["status"] != "ok") bad[key]++
    if (latency) {
        split("p50_ms p90_ms p99_ms max_ms due_p99_ms non250 achieved_mps", ms, " ")
    } else {
        kv["cpu_ms"] = kv["mta_cpu_s"] * 1000 / kv["messages"]
        if ("ldap_lookups" in kv) { kv["lookups_per_msg"] = kv["ldap_lookups"] / kv["messages"]; counted[key] = 1 }
        split("accept_mps deliver_mps mta_peak_rss_kb mta_peak_pss_kb cpu_ms ldap_cpu_s lookups_per_msg", ms, " ")
    }
    for (k in ms) vals[key, ms[k]] = vals[key, ms[k]] " " kv[ms[k]]
}
function runs_text(key) { return runs[key] (bad[key] ? " (" bad[key] " failed)" : "") }
END {
    if (nc > 0) {
        printf "| case (kind:msgs:sessions:size:rcpts) | MTA | runs | accepted msg/s | delivered msg/s | CPU ms/msg | peak RSS MiB | peak PSS MiB | slapd CPU s | LDAP lookups/msg |\n"
        printf "|---|---|---|---|---|---|---|---|---|---|\n"
    }
    for (i = 1; i <= nc; i++) {
        c = order[i]
        for (m = 1; m <= 2; m++) {
            mta = (m == 1) ? "postfix" : "dirmail"; key = mta SUBSEP c
            printf "| %s | %s | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %s |\n", c, mta, runs_text(key),
                med(key, "accept_mps"), med(key, "deliver_mps"), med(key, "cpu_ms"),
                med(key, "mta_peak_rss_kb") / 1024, med(key, "mta_peak_pss_kb") / 1024, med(key, "ldap_cpu_s"),
                (key in counted) ? sprintf("%.2f", med(key, "lookups_per_msg")) : "n/a"
        }
        pk = "postfix" SUBSEP c; dk = "dirmail" SUBSEP c
        if (med(pk, "deliver_mps") > 0 && med(dk, "cpu_ms") > 0)
            printf "| %s | **dirmail/postfix** | | %.2fx | %.2fx | %.2fx less | | | | |\n", c,
                med(dk, "accept_mps") / med(pk, "accept_mps"), med(dk, "deliver_mps") / med(pk, "deliver_mps"),
                med(pk, "cpu_ms") / med(dk, "cpu_ms")
    }
    if (nc > 0 && nl > 0) printf "\n"
    if (nl > 0) {
        printf "| case (latency:rate:seconds:size:sessions) | MTA | runs | p50 ms | p90 ms | p99 ms | max ms | p99 from due ms | non-250 | achieved msg/s |\n"
        printf "|---|---|---|---|---|---|---|---|---|---|\n"
    }
    for (i = 1; i <= nl; i++) {
        c = lorder[i]
        for (m = 1; m <= 2; m++) {
            mta = (m == 1) ? "postfix" : "dirmail"; key = mta SUBSEP c
            printf "| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %.1f |\n", c, mta, runs_text(key),
                med(key, "p50_ms"), med(key, "p90_ms"), med(key, "p99_ms"), med(key, "max_ms"),
                med(key, "due_p99_ms"), med(key, "non250"), med(key, "achieved_mps")
        }
        pk = "postfix" SUBSEP c; dk = "dirmail" SUBSEP c
        if (med(pk, "p50_ms") > 0 && med(pk, "p99_ms") > 0)
            printf "| %s | **dirmail/postfix** | | %.2fx | | %.2fx | | | | |\n", c,
                med(dk, "p50_ms") / med(pk, "p50_ms"), med(dk, "p99_ms") / med(pk, "p99_ms")
    }
}
