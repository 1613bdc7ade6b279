package org.dirmail.mta.config;

/**
 * Every key {@code dirmail.conf} accepts, with its default as written in the file. An empty
 * default means "derived" (see the description). {@code conf/dirmail.conf} documents each key and
 * a test keeps the two in step.
 */
public enum ConfigKey {
    HOSTNAME("hostname", "", "this host's FQDN for the greeting and Received:; empty = the system host name"),
    DATA_DIR("data_dir", "./var", "where state lives: queue/, mail/, directory/"),
    QUEUE_DIR("queue_dir", "", "the queue; empty = <data_dir>/queue"),
    MAIL_ROOT("mail_root", "", "relative mailMessageStore paths are under it; empty = <data_dir>/mail"),
    LOCAL_DOMAINS("local_domains", "example.com, example.org", "domains whose recipients are looked up in the directory"),
    SMTP_LISTEN("smtp_listen", "127.0.0.1:2525", "the SMTP (MX) listener"),
    MESSAGE_SIZE_LIMIT("message_size_limit", "10240000", "largest message accepted, in bytes"),
    SMTP_MAX_RECIPIENTS("smtp_max_recipients", "100", "recipients per message"),
    SMTP_IDLE_TIMEOUT("smtp_idle_timeout", "5m", "an SMTP client silent this long is disconnected"),
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
    LOCAL_DELIVERY_CONCURRENCY("local_delivery_concurrency", "10", "Maildir deliveries in parallel (qmail: concurrencylocal)"),
    LOCAL_RETRY_CONSTANT("local_retry_constant", "10",
            "qmail's retry constant C in seconds^(1/2): attempt k comes about (k*C)^2 s after arrival");

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
