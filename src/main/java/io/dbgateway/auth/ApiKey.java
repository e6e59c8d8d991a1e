package io.dbgateway.auth;

/** One configured API key. Its secret never appears in {@link #toString()}. */
public record ApiKey(String id, Role role, String secret) {

  @Override
  public String toString() {
    return "ApiKey[id=" + id + ", role=" + role.label() + "]";
  }
}
