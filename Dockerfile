# dirmail in a container: the distribution archive built by Maven, run on a JRE as a non-root user.
#   docker build -t dirmail .
#   docker run -p 25:2525 -p 587:2587 -p 465:2465 -p 110:2110 -p 995:2995 -v dirmail:/var/lib/dirmail dirmail
# Without a config it runs the embedded default (sample directory). For production, mount a config
# and point at it: -v /etc/dirmail:/etc/dirmail:ro -e DIRMAIL_CONFIG=/etc/dirmail/dirmail.conf

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml README.md ./
COPY conf conf
COPY schema schema
COPY tls tls
COPY directory directory
COPY mta mta
RUN mvn -B -q -DskipTests package \
    && mkdir /dist \
    && tar -xzf mta/target/dirmail-*.tar.gz -C /dist --strip-components=1

FROM eclipse-temurin:17-jre
RUN groupadd --system dirmail \
    && useradd --system --gid dirmail --home-dir /var/lib/dirmail --shell /usr/sbin/nologin dirmail \
    && mkdir -p /var/lib/dirmail \
    && chown dirmail:dirmail /var/lib/dirmail \
    && chmod 0750 /var/lib/dirmail
COPY --from=build /dist /opt/dirmail
USER dirmail
WORKDIR /var/lib/dirmail
VOLUME ["/var/lib/dirmail"]
# Unprivileged ports inside the container; map 25, 587, 465, 110, 995 on the host to them.
EXPOSE 2525 2587 2465 2110 2995
ENTRYPOINT ["/opt/dirmail/bin/dirmail"]
# The listeners bind all interfaces: 127.0.0.1 inside a container is unreachable from outside.
CMD ["run", "--data-dir", "/var/lib/dirmail", \
     "-o", "smtp_listen=0.0.0.0:2525", "-o", "submission_listen=0.0.0.0:2587", \
     "-o", "smtps_listen=0.0.0.0:2465", "-o", "pop3_listen=0.0.0.0:2110", "-o", "pop3s_listen=0.0.0.0:2995"]
