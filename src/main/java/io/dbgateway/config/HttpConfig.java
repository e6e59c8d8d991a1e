package io.dbgateway.config;

/** Where the HTTP API listens and how large a request body may be. */
public record HttpConfig(String host, int port, long maxBodyBytes) {}
