package org.dirmail.mta.config;

/**
 * Every key {@code dirmail.conf} accepts, with its default as written in the file. An empty
 * default means "derived" (see the description). {@code conf/dirmail.conf} documents each key and
 * a test keeps the two in step.
 */
public enum ConfigKey {
    HOSTNAME("hostname", "", "this host's FQDN for the greeting and Received:; empty = the system host name"),
    DATA_DIR("data_dir", "./var", "where state lives: queue/, mail/, directory/, tls/"),
    QUEUE_DIR("queue_dir", "", "the queue; empty = <data_dir>/queue"),
    MAIL_ROOT("mail_root", "", "relative mailMessageStore paths are under it; empty = <data_dir>/mail"),
    LOCAL_DOMAINS("local_domains", "example.com, example.org", "domains whose recipients are looked up in the directory"),
    ALIAS_DOMAINS("alias_domains", "", "alias:real domain pairs; the real domain replaces the alias in every lookup"),
    RECIPIENT_DELIMITER("recipient_delimiter", "+", "user+extension@domain reaches user@domain; empty = off"),
    DASH_SEPARATOR("dash_separator", "-", "qmail-ldap dash extensions: a-b@d tries a-catchall@d; empty = off"),

    SMTP_LISTEN("smtp_listen", "127.0.0.1:2525", "the SMTP (MX) listener"),
    SUBMISSION_LISTEN("submission_listen", "127.0.0.1:2587", "the submission listener (STARTTLS + AUTH required); empty = off"),
    SMTPS_LISTEN("smtps_listen", "127.0.0.1:2465", "the SMTPS listener (implicit TLS, RFC 8314); empty = off"),
    MESSAGE_SIZE_LIMIT("message_size_limit", "10240000", "largest message accepted, in bytes"),
    SMTP_MAX_RECIPIENTS("smtp_max_recipients", "1000", "recipients per message"),
    SMTP_MAX_ERRORS("smtp_max_errors", "20", "5xx replies in one session before 421 and disconnect"),
    SMTP_IDLE_TIMEOUT("smtp_idle_timeout", "5m", "an SMTP client silent this long is disconnected"),
    SMTP_DATA_TIMEOUT("smtp_data_timeout", "10m", "longest wait for the next DATA bytes"),
    SHUTDOWN_GRACE("shutdown_grace", "30s", "on stop, how long SMTP clients inside a transaction may take to finish it"),
    SMTP_GREETING_DELAY("smtp_greeting_delay", "300ms", "MX greeting delay; a client talking before the greeting is refused"),
    SMTP_MAX_CONNECTIONS("smtp_max_connections", "500", "simultaneous SMTP connections, all listeners"),
    SMTP_MAX_CONNECTIONS_PER_IP("smtp_max_connections_per_ip", "50", "simultaneous SMTP connections from one client address"),
    RELAY_NETWORKS("relay_networks", "", "client networks (CIDR) allowed to relay without AUTH; empty = none"),
    SENDER_LOGIN_CHECK("sender_login_check", "strict", "strict: authenticated users may only send as their own addresses; off"),

    TLS_CERT_FILE("tls_cert_file", "", "PEM certificate chain; empty = a self-signed one under <data_dir>/tls"),
    TLS_KEY_FILE("tls_key_file", "", "PEM private key (PKCS#8, PKCS#1 or SEC1) for tls_cert_file"),
    TLS_KEY_PASSPHRASE_FILE("tls_key_passphrase_file", "", "file holding the key's passphrase; empty = the key is not encrypted"),
    TLS_SNI_CERTIFICATES("tls_sni_certificates", "", "more certificates chosen by SNI: hostname:certfile:keyfile, ..."),

    ALLOW_PLAINTEXT_AUTH("allow_plaintext_auth", "no", "offer AUTH and POP3 logins without TLS"),
    AUTH_METHOD("auth_method", "bind", "bind: bind as the user; compare: compare userPassword hashes"),
    AUTH_LOGIN_LOOKUP("auth_login_lookup", "auto", "auto: a login with @ is a mail address, else a uid; uid; mail"),
    AUTH_FAILURE_DELAY("auth_failure_delay", "2s", "delay before answering a failed login"),
    AUTH_MAX_FAILURES("auth_max_failures", "5", "failed logins per client address or login name within auth_failure_window before refusal"),
    AUTH_FAILURE_WINDOW("auth_failure_window", "15m", "how long failed logins are remembered"),

    POP3_LISTEN("pop3_listen", "127.0.0.1:2110", "the POP3 listener (STLS offered); empty = off"),
    POP3S_LISTEN("pop3s_listen", "127.0.0.1:2995", "the POP3S listener (implicit TLS); empty = off"),
    POP3_IDLE_TIMEOUT("pop3_idle_timeout", "10m", "a POP3 client silent this long is disconnected (RFC 1939: at least 10m)"),

    CLUSTER_HOSTS("cluster_hosts", "", "other names this node answers to in mailHost (qmail-ldap's ldapclusterhosts)"),
    CLUSTER_SMTP_PORT("cluster_smtp_port", "25", "the SMTP port of the other nodes: mail for a user whose mailHost is another node is relayed there"),
    POP3_PROXY("pop3_proxy", "yes", "proxy POP3 logins of users whose mailHost is another node; no = refuse them"),
    POP3_PROXY_PORT("pop3_proxy_port", "110", "the POP3 port of the other nodes"),
    POP3_PROXY_TLS("pop3_proxy_tls", "may", "may: STLS when the node offers it; encrypt: STLS required; none: never"),
    POP3_PROXY_CA_FILE("pop3_proxy_ca_file", "", "PEM certificates the nodes' certificates are checked against; empty = the JDK trust store"),

    EMBEDDED_DIRECTORY("embedded_directory", "yes", "run the bundled ApacheDS with the sample data"),
    EMBEDDED_DIRECTORY_LISTEN("embedded_directory_listen", "127.0.0.1:10389", "where the embedded directory listens"),
    LDAP_URLS("ldap_urls", "", "LDAP servers, tried in order; empty = the embedded directory"),
    LDAP_BIND_DN("ldap_bind_dn", "", "DN to bind as; empty = the embedded admin (or anonymous without it)"),
    LDAP_BIND_PASSWORD_FILE("ldap_bind_password_file", "", "file holding the bind password; empty = the embedded admin's"),
    LDAP_BASE_DN("ldap_base_dn", "dc=example,dc=com", "subtree searched for recipients"),
    LDAP_OBJECT_CLASS("ldap_object_class", "qmailUser", "object class every recipient entry has; empty = any"),
    LDAP_CONNECT_TIMEOUT("ldap_connect_timeout", "5s", "LDAP connect timeout"),
    LDAP_RESPONSE_TIMEOUT("ldap_response_timeout", "10s", "LDAP operation timeout"),
    LDAP_POOL_SIZE("ldap_pool_size", "8", "LDAP connections kept open"),
    LDAP_AUTH_POOL_SIZE("ldap_auth_pool_size", "4", "LDAP connections for password binds (auth_method = bind)"),
    LDAP_STARTTLS("ldap_starttls", "no", "StartTLS on every ldap:// connection before the bind (not with ldaps://)"),
    LDAP_TLS_CA_FILE("ldap_tls_ca_file", "", "CA certificates (PEM) for the LDAP servers; empty = the JVM trust store"),

    INLINE_DELIVERY("inline_delivery", "yes",
            "deliver to local mailboxes before the 250 reply when a worker is free (the queue takes the rest)"),
    LOCAL_DELIVERY_CONCURRENCY("local_delivery_concurrency", "10", "local deliveries in parallel, one recipient each (qmail: concurrencylocal)"),
    REMOTE_CONCURRENCY("remote_concurrency", "20", "SMTP transactions to other servers in parallel (qmail: concurrencyremote)"),
    REMOTE_DOMAIN_CONCURRENCY("remote_domain_concurrency", "10",
            "SMTP transactions to one destination domain in parallel (Postfix: default_destination_concurrency_limit)"),
    LOCAL_RETRY_CONSTANT("local_retry_constant", "10",
            "qmail's retry constant C in seconds^(1/2): attempt k comes about (k*C)^2 s after arrival"),
    REMOTE_RETRY_CONSTANT("remote_retry_constant", "20", "the same for remote destinations (qmail: 20)"),
    QUEUE_LIFETIME("queue_lifetime", "7d", "a message still deferred after this long bounces (qmail: queuelifetime)"),
    BOUNCE_SIZE_LIMIT("bounce_size_limit", "50000", "largest original returned whole in a bounce; larger ones return their header only"),
    POSTMASTER_ADDRESS("postmaster_address", "", "who gets bounces of bounces (qmail: doublebounceto); empty = postmaster@<hostname>"),
    ALLOW_PROGRAMS("allow_programs", "no",
            "run deliveryProgramPath and .qmail | lines (as the dirmail user: Java cannot switch users)"),
    PROGRAM_TIMEOUT("program_timeout", "1000s", "a delivery program running longer is killed and the delivery deferred"),
    AUTOREPLY_INTERVAL("autoreply_interval", "7d", "deliveryMode reply answers one sender at most once per recipient in this time"),

    DNS_RESOLVERS("dns_resolvers", "", "DNS servers for MX lookups, address or address:port; empty = the system's"),
    DNS_TIMEOUT("dns_timeout", "5s", "one DNS query to one server; each server is tried twice; then the delivery is deferred"),
    REMOTE_SMTP_PORT("remote_smtp_port", "25", "port of mail servers found through MX records"),
    TRANSPORT_ROUTES("transport_routes", "", "static routes: domain:host[:port] or domain:[host][:port]; .domain = subdomains"),
    RELAYHOST("relayhost", "", "smarthost for all other remote mail: host[:port] (MX lookup) or [host][:port]; empty = MX"),
    RELAYHOST_AUTH_FILE("relayhost_auth_file", "", "file holding user:password for AUTH at the relayhost (mode 0600); empty = no AUTH"),
    REMOTE_TLS_POLICY("remote_tls_policy", "may", "STARTTLS to other servers: none, may, encrypt or verify"),
    REMOTE_TLS_POLICY_MAP("remote_tls_policy_map", "", "per-domain TLS policy: domain:policy or .domain:policy"),
    REMOTE_TLS_CA_FILE("remote_tls_ca_file", "", "PEM CA certificates for verify; empty = the JDK's trust store"),
    REMOTE_CONNECT_TIMEOUT("remote_connect_timeout", "30s", "TCP connect to a remote mail server"),
    REMOTE_GREETING_TIMEOUT("remote_greeting_timeout", "5m", "wait for the 220 greeting (RFC 5321 4.5.3.2.1)"),
    REMOTE_COMMAND_TIMEOUT("remote_command_timeout", "5m", "wait for replies to EHLO, STARTTLS, AUTH, MAIL, RCPT (4.5.3.2.2-3)"),
    REMOTE_DATA_INIT_TIMEOUT("remote_data_init_timeout", "2m", "wait for the 354 reply to DATA (4.5.3.2.4)"),
    REMOTE_DATA_BLOCK_TIMEOUT("remote_data_block_timeout", "3m", "each write of message data (4.5.3.2.5)"),
    REMOTE_DATA_DONE_TIMEOUT("remote_data_done_timeout", "10m", "wait for the reply to the final dot (4.5.3.2.6)"),

    ADMIN_LISTEN("admin_listen", "127.0.0.1:9025",
            "HTTP for GET /metrics (Prometheus) and /health; none = off; never expose it publicly"),

    DEFAULT_QUOTA_SIZE("default_quota_size", "0", "Maildir quota in bytes for entries without mailQuotaSize; 0 = unlimited"),
    DEFAULT_QUOTA_COUNT("default_quota_count", "0", "Maildir quota in messages for entries without mailQuotaCount; 0 = unlimited"),
    QUOTA_EXCEEDED("quota_exceeded", "bounce", "a message over quota at delivery: bounce (5.2.2) or defer (4.2.2)"),
    QUOTA_WARNING_PERCENT("quota_warning_percent", "80", "usage percentage at which the user is warned once; 0 = never");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The name in the file. */
    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The key with this name, or null. */
    static ConfigKey byName(String name) {
        for (ConfigKey k : values()) {
            if (k.key.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
