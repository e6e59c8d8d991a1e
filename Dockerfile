# DB Gateway image: build the fat jar with the README's command, then run it on a JRE 17.
#
#   docker build -t db-gateway .
#   docker run --rm -p 8080:8080 -e DB_TYPE=mysql -e DB_HOST=db1:3306,db2:3306,db3:3306 \
#     -e DB_NAME=test -e DB_USER=gateway -e DB_PASS=gateway \
#     -e GATEWAY_API_KEYS="app:write:$(openssl rand -hex 24)" db-gateway
#
# The image listens on 0.0.0.0, which is not loopback: without GATEWAY_API_KEYS (or
# GATEWAY_API_KEYS_FILE) the gateway refuses to start (exit 2) and says so, unless GATEWAY_AUTH=none
# is set explicitly. Clients send Authorization: Bearer <secret>. See docs/security.md.
#
# Every setting in the README's configuration table can be given as an environment variable
# (-e DB_TYPE=..., -e GATEWAY_POOL_WAIT_TIMEOUT_MS=...); they override conf/gateway.json, which is
# shipped in /app/conf. Mount another file and point GATEWAY_CONFIG at it to replace it, or mount
# your own /app/conf/migrations and /app/conf/queries. The JVM starts with /app/jvm.options (a copy of
# conf/jvm.options): mount your own file there to change those. Other JVM options go in JAVA_TOOL_OPTIONS
# (e.g. -e JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75); the file's options win over it, and a second GC
# there (-XX:+UseG1GC) stops the JVM with "Multiple garbage collectors selected".
#
# The image starts the gateway with its AppCDS archive (/app/db-gateway.jsa, made while the image is
# built, by the image's own JRE): on SQLite, ready in about 1.0 s instead of 1.7 s. Heap, GC and stack
# options in JAVA_TOOL_OPTIONS keep it usable; a heap of 32 GB or more does not (the JVM then says so once
# and starts without it). See docs/operations.md, "Start-up".

# ---- build stage -----------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
# The README's build command (the wrapper pins the Maven version the project is built with). The AppCDS
# archive is made in the runtime stage instead: it belongs to the JRE that runs it and to the jar's path.
RUN ./mvnw -B -ntp package -DskipTests -Dcds.skip=true

# ---- runtime stage ---------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# A system user without a login shell or home; the process never runs as root.
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin gateway

# The gateway resolves conf/gateway.json, conf/migrations and conf/queries against its working
# directory, so the jar and conf/ live side by side in /app. Both stay owned by root (read-only for
# the gateway); /app/data is the one writable place (e.g. DB_TYPE=sqlite DB_NAME=data/app.db).
WORKDIR /app
COPY --from=build /src/target/db-gateway.jar /app/db-gateway.jar
COPY conf/ /app/conf/
# The JVM options the gateway ships with (conf/jvm.options; docs/operations.md, "JVM options"), kept
# beside the jar so that a volume mounted over /app/conf does not take them away.
COPY conf/jvm.options /app/jvm.options
# AppCDS: start the jar once here (throwaway SQLite file, first requests, SIGTERM) and keep the classes
# it loaded. Run from /app, with the jar named as ENTRYPOINT names it: the archive records both. A
# failure stops the build with the gateway's last log lines.
RUN java -cp /app/db-gateway.jar io.dbgateway.bootstrap.CdsArchive /app/db-gateway.jar /app/db-gateway.jsa
RUN mkdir -p /app/data && chown gateway:gateway /app/data

# Listen on every interface inside the container (the built-in default is 127.0.0.1).
ENV GATEWAY_HTTP_HOST=0.0.0.0 \
    GATEWAY_HTTP_PORT=8080
EXPOSE 8080

USER gateway

# Ready = configuration valid, migrations done and the database (for Galera: an eligible writer)
# answering. eclipse-temurin images ship curl (and wget), so no extra package is needed; the check
# follows GATEWAY_HTTP_PORT when it is overridden, and speaks HTTPS when GATEWAY_TLS_CERT is set (the
# health endpoints need no API key).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD scheme=http; [ -n "${GATEWAY_TLS_CERT:-}" ] && scheme=https; \
      curl -fsSk -o /dev/null "$scheme://127.0.0.1:${GATEWAY_HTTP_PORT:-8080}/health/ready" || exit 1

# exec form: java is PID 1 and receives SIGTERM itself (graceful drain, GATEWAY_SHUTDOWN_DRAIN_MS).
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:SharedArchiveFile=/app/db-gateway.jsa", "-jar", "/app/db-gateway.jar"]
