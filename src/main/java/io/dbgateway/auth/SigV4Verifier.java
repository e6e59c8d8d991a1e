package io.dbgateway.auth;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies an AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) Authorization header, so AWS SDKs
 * pointed at the Data API endpoints authenticate with their own signing: the access key id is an API
 * key's id, the secret access key is its secret.
 *
 * <p>The whole signature is checked: the canonical request (method, path, query, signed headers, the
 * SHA-256 of the body as received), the credential scope ({@code date/region/rds-data/aws4_request}),
 * and {@code X-Amz-Date}, which must match the scope's date and lie within 15 minutes of the clock.
 * Any region is accepted: clients pick one, and the gateway is not in one. The signatures are compared
 * in constant time.
 */
public final class SigV4Verifier {

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String SERVICE = "rds-data";
  /** How far {@code X-Amz-Date} may be from the gateway's clock, either way, as AWS allows. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final HexFormat HEX = HexFormat.of();

  private final ApiKeys keys;
  private final Clock clock;
  private final String service;
  private final SeenSignatures seen;

  /**
   * The Data API's transaction control, whose repeat keeps the key's rights: a Begin sent again opens one
   * more empty transaction (within the key's cap), and a Commit or Rollback names a transaction the
   * first use ended.
   */
  private static final java.util.Set<String> REPEATABLE_AS_SIGNED =
      java.util.Set.of("/BeginTransaction", "/CommitTransaction", "/RollbackTransaction");

  /** A verifier that refuses a signature's second use ({@code seen}: one per process). */
  public SigV4Verifier(ApiKeys keys, Clock clock, SeenSignatures seen) {
    this(keys, clock, SERVICE, seen);
  }

  /** A verifier that remembers only its own signatures. */
  public SigV4Verifier(ApiKeys keys, Clock clock) {
    this(keys, clock, SERVICE, new SeenSignatures(clock::instant));
  }

  /** For AWS's published test suite, which signs for the service {@code service}. */
  SigV4Verifier(ApiKeys keys, Clock clock, String service) {
    this(keys, clock, service, new SeenSignatures(clock::instant));
  }

  private SigV4Verifier(ApiKeys keys, Clock clock, String service, SeenSignatures seen) {
    this.keys = keys;
    this.clock = clock;
    this.service = service;
    this.seen = seen;
  }

  /** Whether a request claims SigV4, so an auth handler knows to call {@link #verify}. */
  public static boolean isSigV4(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, ALGORITHM + " ", 0, ALGORITHM.length() + 1);
  }

  /**
   * The caller whose key signed {@code request} with this {@code body}.
   *
   * @throws GatewayException UNAUTHORIZED when the Authorization header or X-Amz-Date is malformed or
   *     missing; FORBIDDEN when the key id is unknown, the scope or date is wrong, or the signature
   *     does not match
   */
  public Caller verify(HttpServerRequest request, Buffer body) {
    String authorization = request.getHeader("Authorization");
    Credential credential = parse(authorization);
    String amzDate = request.getHeader("X-Amz-Date");
    if (amzDate == null) {
      throw unauthorized("a SigV4 request needs an X-Amz-Date header");
    }
    Instant signedAt;
    try {
      signedAt = LocalDateTime.parse(amzDate.trim(), AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw unauthorized("X-Amz-Date must look like 20240131T235959Z");
    }
    if (!service.equals(credential.service())) {
      throw forbidden("the credential scope names the service '" + credential.service() + "'; sign for '" + service + "'");
    }
    if (!amzDate.trim().startsWith(credential.date())) {
      throw forbidden("the credential scope's date " + credential.date() + " is not the date of X-Amz-Date " + amzDate);
    }
    Duration skew = Duration.between(clock.instant(), signedAt).abs();
    if (skew.compareTo(MAX_SKEW) > 0) {
      throw forbidden("the signature's time " + amzDate + " is more than 15 minutes from the gateway's clock "
          + AMZ_DATE.format(clock.instant().atOffset(ZoneOffset.UTC)) + "; check the client's clock");
    }
    if (!credential.signedHeaders().contains("host")) {
      throw forbidden("SignedHeaders must include host");
    }
    String contentSha = request.getHeader("X-Amz-Content-Sha256");
    if (contentSha != null && contentSha.trim().startsWith("UNSIGNED-PAYLOAD")) {
      throw forbidden("the payload must be signed (X-Amz-Content-Sha256: UNSIGNED-PAYLOAD is refused)");
    }
    // An unknown key id and a wrong signature answer alike, after the same work: the answer must not
    // tell which access key ids exist.
    Optional<ApiKey> known = keys.byId(credential.keyId());
    ApiKey key = known.orElse(NO_SUCH_KEY);

    String canonical = canonicalRequest(request.method().name(), request.path(), request.query(),
        headers(request, credential.signedHeaders()), credential.signedHeaders(), sha256Hex(body.getBytes()));
    String stringToSign = ALGORITHM + "\n" + amzDate.trim() + "\n" + credential.scope() + "\n"
        + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
    byte[] expected = HEX.formatHex(hmac(signingKey(key.secret(), credential), stringToSign)).getBytes(StandardCharsets.US_ASCII);
    byte[] presented = credential.signature().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, presented) || known.isEmpty()) {
      throw forbidden(SIGNATURE_REFUSED);
    }
    // A valid signature carries its key's rights once. Sent again inside its window (a captured request
    // replayed, or an AWS SDK v2 client that signs two identical calls in the same second alike) it may
    // only read: the caller is then READ, so the database refuses any write, as it does a read key's.
    Caller caller = new Caller(key.id(), key.role());
    boolean first = seen.firstUse(new String(expected, StandardCharsets.US_ASCII), signedAt.plus(MAX_SKEW));
    return first || REPEATABLE_AS_SIGNED.contains(request.path()) ? caller : caller.onlyReading();
  }

  /** The parts of {@code Credential=id/date/region/service/aws4_request, SignedHeaders=..., Signature=...}. */
  record Credential(String keyId, String date, String region, String service, List<String> signedHeaders,
      String signature) {

    String scope() {
      return date + "/" + region + "/" + service + "/aws4_request";
    }
  }

  static Credential parse(String authorization) {
    if (!isSigV4(authorization)) {
      throw unauthorized("the Authorization header must start with " + ALGORITHM);
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : authorization.substring(ALGORITHM.length()).split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw unauthorized("the Authorization header has a malformed component '" + part.trim() + "'");
      }
      parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    String credential = parts.get("Credential");
    String signedHeaders = parts.get("SignedHeaders");
    String signature = parts.get("Signature");
    if (credential == null || signedHeaders == null || signature == null) {
      throw unauthorized("the Authorization header needs Credential, SignedHeaders and Signature");
    }
    // The key id comes first and may itself hold a '/', so the scope is read from the right.
    String[] scope = credential.split("/");
    if (scope.length < 5 || !"aws4_request".equals(scope[scope.length - 1])) {
      throw unauthorized("Credential must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request");
    }
    int n = scope.length;
    String keyId = String.join("/", java.util.Arrays.copyOf(scope, n - 4));
    String date = scope[n - 4];
    if (keyId.isEmpty() || !date.matches("\\d{8}") || scope[n - 3].isEmpty()) {
      throw unauthorized("Credential must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request");
    }
    if (!signature.matches("[0-9a-fA-F]{64}")) {
      throw unauthorized("Signature must be 64 hexadecimal digits");
    }
    List<String> names = List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";"));
    if (names.stream().anyMatch(String::isBlank)) {
      throw unauthorized("SignedHeaders must be header names separated by ';'");
    }
    return new Credential(keyId, date, scope[n - 3], scope[n - 2], names, signature);
  }

  /** Each signed header's values, as the request carries them; a signed header that is missing fails. */
  private static Map<String, List<String>> headers(HttpServerRequest request, List<String> signed) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String name : signed) {
      List<String> all = request.headers().getAll(name);
      if (all.isEmpty() && name.equals("host") && request.authority() != null) {
        all = List.of(request.authority().toString()); // HTTP/2 carries the host as :authority
      }
      if (all.isEmpty()) {
        throw forbidden("the signed header '" + name + "' is not in the request");
      }
      values.put(name, all);
    }
    return values;
  }

  /** The canonical request of SigV4, for services other than S3 (each path segment escaped once more). */
  static String canonicalRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
      List<String> signedHeaders, String payloadHash) {
    StringBuilder out = new StringBuilder();
    out.append(method).append('\n');
    out.append(canonicalPath(rawPath)).append('\n');
    out.append(canonicalQuery(rawQuery)).append('\n');
    for (String name : signedHeaders) {
      List<String> trimmed = new ArrayList<>();
      for (String value : headers.get(name)) {
        trimmed.add(value.trim().replaceAll("\\s+", " "));
      }
      out.append(name).append(':').append(String.join(",", trimmed)).append('\n');
    }
    out.append('\n');
    out.append(String.join(";", signedHeaders)).append('\n');
    out.append(payloadHash);
    return out.toString();
  }

  /** The path with {@code .} and {@code ..} resolved, empty segments dropped, then URI-escaped again. */
  static String canonicalPath(String rawPath) {
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(segment);
      }
    }
    StringBuilder out = new StringBuilder();
    if (path.startsWith("/")) {
      out.append('/');
    }
    out.append(String.join("/", segments.stream().map(SigV4Verifier::escape).toList()));
    if (!segments.isEmpty() && path.endsWith("/")) {
      out.append('/');
    }
    return out.toString();
  }

  /** The query's parameters decoded, re-encoded the SigV4 way, sorted by name and then value. */
  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      pairs.add(new String[] {escape(percentDecode(name)), escape(percentDecode(value))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> joined = new ArrayList<>();
    for (String[] pair : pairs) {
      joined.add(pair[0] + "=" + pair[1]);
    }
    return String.join("&", joined);
  }

  /** RFC 3986 escaping: everything but {@code A-Z a-z 0-9 - _ . ~} as {@code %XX}, upper case, of UTF-8. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Decodes {@code %XX} escapes only; a {@code +} stays a plus, as SigV4 clients encode a space as {@code %20}. */
  private static String percentDecode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0
          && Character.digit(bytes[i + 2], 16) >= 0) {
        out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static byte[] signingKey(String secret, Credential credential) {
    byte[] date = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), credential.date());
    byte[] region = hmac(date, credential.region());
    byte[] service = hmac(region, credential.service());
    return hmac(service, "aws4_request");
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  static String sha256Hex(byte[] data) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static final String SIGNATURE_REFUSED = "the request signature does not verify; check the access key id,"
      + " the secret access key and the signing method";

  /** Stands in for an unknown access key id, so that refusing it costs what a wrong signature costs. */
  private static final ApiKey NO_SUCH_KEY = new ApiKey("\u0000unknown", io.dbgateway.auth.Role.READ,
      "\u0000no secret matches this one\u0000");

  private static GatewayException unauthorized(String detail) {
    return GatewayException.of(ErrorCode.UNAUTHORIZED, detail);
  }

  private static GatewayException forbidden(String detail) {
    return GatewayException.of(ErrorCode.FORBIDDEN, detail);
  }
}
