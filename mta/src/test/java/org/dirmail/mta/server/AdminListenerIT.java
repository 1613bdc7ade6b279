package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.smtp.SmtpRole;
import org.dirmail.tls.ClientTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of a whole server over real sockets: mail delivered, refused and a failed
 * login show up in {@code /metrics} as Prometheus scrapes them; {@code /health} is 503 naming
 * the directory when none answers; anything else is 404 or 405.
 */
class AdminListenerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** One sample line of the text format: {@code name{labels} value}. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    @TempDir
    Path data;

    private DirmailServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The whole server with the embedded directory and its sample users. */
    private void startWithDirectory() throws Exception {
        server = DirmailServer.start(DirmailConfig.load(null, settings(
                "embedded_directory_listen=127.0.0.1:0")));
    }

    /** Starts fast: no embedded directory, and nothing listens where the directory should be. */
    private void startWithoutDirectory() throws Exception {
        server = DirmailServer.start(DirmailConfig.load(null, settings(
                "embedded_directory=no", "ldap_urls=ldap://127.0.0.1:9")));
    }

    private List<String> settings(String... more) {
        List<String> all = new ArrayList<>(List.of(
                "data_dir=" + data,
                "hostname=mx.test.example",
                "smtp_listen=127.0.0.1:0",
                "admin_listen=127.0.0.1:0",
                "submission_listen=127.0.0.1:0",
                "smtps_listen=",
                "pop3_listen=",
                "pop3s_listen=",
                "smtp_greeting_delay=0s",
                "auth_failure_delay=0s",
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s"));
        all.addAll(List.of(more));
        return all;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deliveredRejectedAndFailedLoginAreCounted() throws Exception {
        startWithDirectory();
        Session mx = Session.getInstance(properties(server.smtpPort(), null));
        Transport.send(message(mx, "sender@client.example", "alice@example.com"));
        MaildirProbe.awaitMessages(data.resolve("mail/example.com/alice/Maildir"), 1, WAIT);

        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<nobody@example.com>")).startsWith("550 5.1.1");
            smtp.send("QUIT");
        }

        SSLContext trust = ClientTls.trustingPem(data.resolve("tls/cert.pem"));
        Properties submission = properties(server.smtpPort(SmtpRole.SUBMISSION).orElseThrow(), trust);
        Session wrongPassword = Session.getInstance(submission, new jakarta.mail.Authenticator() {
            @Override
            protected jakarta.mail.PasswordAuthentication getPasswordAuthentication() {
                return new jakarta.mail.PasswordAuthentication("alice", "not-her-password");
            }
        });
        assertThatThrownBy(() -> Transport.send(message(wrongPassword, "alice@example.com", "bob@example.com")))
                .isInstanceOf(AuthenticationFailedException.class);

        Map<String, Double> m = awaitMetric("dirmail_deliveries_total{outcome=\"delivered\",relay=\"local\"}", 1);
        assertThat(m).containsEntry("dirmail_smtp_messages_accepted_total", 1.0)
                .containsEntry("dirmail_smtp_message_size_bytes_count", 1.0)
                .containsEntry("dirmail_smtp_rejections_total{code=\"550\",reason=\"address\"}", 1.0)
                .containsEntry("dirmail_smtp_rejections_total{code=\"535\",reason=\"policy\"}", 1.0)
                .containsEntry("dirmail_auth_failures_total{protocol=\"smtp\"}", 1.0)
                .containsEntry("dirmail_smtp_connections_total{role=\"mx\"}", 2.0)
                .containsEntry("dirmail_smtp_connections_total{role=\"submission\"}", 1.0)
                .containsEntry("dirmail_tls_handshakes_total{protocol=\"smtp\",result=\"success\"}", 1.0)
                .containsEntry("dirmail_delivery_latency_seconds_count{outcome=\"delivered\",relay=\"local\"}", 1.0)
                .containsEntry("dirmail_ldap_pool_connections_max{pool=\"lookup\"}", 8.0)
                .containsKey("dirmail_queue_messages")
                .containsKey("dirmail_queue_oldest_age_seconds");
        assertThat(m.get("dirmail_smtp_message_size_bytes_sum")).isGreaterThan(100);
        // RCPT and delivery lookups for alice, nobody and the submission login at least.
        assertThat(m.get("dirmail_ldap_requests_total{pool=\"lookup\"}")).isGreaterThanOrEqualTo(3);
        assertThat(m.get("dirmail_ldap_errors_total{pool=\"lookup\"}")).isZero();
        assertThat(m).doesNotContainKey("dirmail_smtp_rejections_total{code=\"250\",reason=\"other\"}");
        // Addresses and IPs never become labels.
        assertThat(scrape().body()).doesNotContain("alice@", "nobody@", "127.0.0.1");
    }

    @Test
    void metricsUseThePrometheusTextFormat() throws Exception {
        startWithoutDirectory();
        HttpResponse<String> response = scrape();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE dirmail_smtp_connections_total counter");

        HttpResponse<String> head = request("HEAD", "/metrics");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void healthIs200WhenEverythingAnswers() throws Exception {
        startWithDirectory();
        HttpResponse<String> healthy = request("GET", "/health");
        assertThat(healthy.statusCode()).isEqualTo(200);
        assertThat(healthy.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(healthy.body()).startsWith("{\"status\":\"up\"")
                .contains("\"directory\":{\"status\":\"up\"", "\"queue\":{\"status\":\"up\"",
                        "\"listener_smtp\":{\"status\":\"up\"", "\"listener_submission\":{\"status\":\"up\"");
    }

    @Test
    void healthIs503NamingTheDirectoryWhenItDoesNotAnswer() throws Exception {
        startWithoutDirectory();
        HttpResponse<String> sick = request("GET", "/health");
        assertThat(sick.statusCode()).isEqualTo(503);
        assertThat(sick.body()).startsWith("{\"status\":\"down\"")
                .contains("\"directory\":{\"status\":\"down\",\"detail\":\"unreachable: ",
                        "\"queue\":{\"status\":\"up\"", "\"listener_smtp\":{\"status\":\"up\"");
        assertThat(request("HEAD", "/health").statusCode()).isEqualTo(503);
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        startWithoutDirectory();
        assertThat(request("GET", "/").statusCode()).isEqualTo(404);
        assertThat(request("GET", "/metrics/../admin").statusCode()).isEqualTo(404);
        HttpResponse<String> post = request("POST", "/metrics");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(request("DELETE", "/health").statusCode()).isEqualTo(405);
    }

    @Test
    void anOversizedRequestIsRefused() throws Exception {
        startWithoutDirectory();
        HttpRequest huge = HttpRequest.newBuilder(uri("/metrics")).header("X-Padding", "x".repeat(10_000)).build();
        HttpResponse<String> response;
        try {
            response = http.send(huge, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return; // closed without an answer: refused too
        }
        assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
    }

    private Map<String, Double> awaitMetric(String key, double expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Double> samples = parse(scrape().body());
        while (!Double.valueOf(expected).equals(samples.get(key)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            samples = parse(scrape().body());
        }
        assertThat(samples).containsEntry(key, expected);
        return samples;
    }

    /** The text format 0.0.4, reduced to "name{labels}" to value; comments skipped. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line: %s", line).isTrue();
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    private HttpResponse<String> scrape() throws Exception {
        return request("GET", "/metrics");
    }

    private HttpResponse<String> request(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.adminPort().orElseThrow() + path);
    }

    private static Properties properties(int port, SSLContext tls) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "30000");
        if (tls != null) {
            p.put("mail.smtp.ssl.socketFactory", tls.getSocketFactory());
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.auth", "true");
        }
        return p;
    }

    private static MimeMessage message(Session session, String from, String to) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("metrics test");
        m.setText("counted\n");
        return m;
    }
}
