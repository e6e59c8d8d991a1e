package io.dbgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys, and the one place a presented secret is checked. Secrets are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, against every key, so the time taken says nothing
 * about which key or how many characters matched.
 */
public final class ApiKeys {

  private record Entry(ApiKey key, byte[] digest) {}

  private final List<Entry> entries;

  public ApiKeys(List<ApiKey> keys) {
    this.entries = keys.stream().map(key -> new Entry(key, digest(key.secret()))).toList();
  }

  /** True when no keys are configured: requests are anonymous. */
  public boolean anonymous() {
    return entries.isEmpty();
  }

  /** The caller whose secret is {@code presented}, if any key has it. */
  public Optional<Caller> authenticate(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    byte[] candidate = digest(presented);
    ApiKey match = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), candidate)) {
        match = entry.key();
      }
    }
    return Optional.ofNullable(match).map(key -> new Caller(key.id(), key.role()));
  }

  /** The key with this id, for schemes that name the key and prove the secret (AWS SigV4). */
  public Optional<ApiKey> byId(String id) {
    return entries.stream().map(Entry::key).filter(key -> key.id().equals(id)).findFirst();
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
