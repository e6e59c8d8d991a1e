package io.dbgateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority and the server certificates it signs, made with the {@code openssl}
 * command at test time (PEM files, valid for two days). Nothing is checked in.
 */
public final class TestCertificates {

  /** The fix printed when the openssl command is missing. */
  public static final String INSTALL_HINT = "apt-get install -y openssl";

  /** A server certificate and its private key (PKCS#8, unencrypted), signed by {@link #ca()}. */
  public record Server(Path cert, Path key) {}

  private final Path dir;
  private final Path caCert;
  private final Path caKey;

  private TestCertificates(Path dir) throws IOException {
    this.dir = dir;
    this.caCert = dir.resolve("ca.crt");
    this.caKey = dir.resolve("ca.key");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
        "-subj", "/CN=dbgw test CA " + dir.getFileName(), "-keyout", caKey.toString(), "-out", caCert.toString(),
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** A new certificate authority in a folder of its own under {@code parent}. */
  public static TestCertificates newAuthority(Path parent, String name) {
    try {
      return new TestCertificates(Files.createDirectories(parent.resolve(name)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot make test certificates (" + INSTALL_HINT + "): " + e.getMessage(), e);
    }
  }

  /** The authority's certificate: the {@code DB_SSL_CA} / trust anchor for what it signs. */
  public Path ca() {
    return caCert;
  }

  /** A certificate for {@code localhost} and {@code 127.0.0.1}, signed by this authority. */
  public Server server(String name) {
    try {
      Path key = dir.resolve(name + ".key");
      Path csr = dir.resolve(name + ".csr");
      Path cert = dir.resolve(name + ".crt");
      Path ext = Files.writeString(dir.resolve(name + ".ext"),
          "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
      openssl("req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=localhost",
          "-keyout", key.toString(), "-out", csr.toString());
      openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
          "-CAcreateserial", "-days", "2", "-sha256", "-extfile", ext.toString(), "-out", cert.toString());
      return new Server(cert, key);
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a test certificate (" + INSTALL_HINT + "): " + e.getMessage(), e);
    }
  }

  /** A TLS context that trusts this authority only, for test clients. */
  public SSLContext clientContext() {
    try {
      X509Certificate ca;
      try (var in = Files.newInputStream(caCert)) {
        ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
