package dev.chorus.platform;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.LaunchMode;

/** Where this Chorus listens, as configured (tests listen on Quarkus' test ports). */
@ApplicationScoped
public class ListenAddresses {

    private final String http;
    private final String grpc;

    ListenAddresses(Config config) {
        boolean test = LaunchMode.current() == LaunchMode.TEST;
        String httpHost = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        int httpPort = config.getOptionalValue(test ? "quarkus.http.test-port" : "quarkus.http.port", Integer.class)
                .orElse(test ? 8081 : 8080);
        String grpcHost = config.getOptionalValue("quarkus.grpc.server.host", String.class).orElse("0.0.0.0");
        int grpcPort = config.getOptionalValue(test ? "quarkus.grpc.server.test-port" : "quarkus.grpc.server.port",
                Integer.class).orElse(test ? 9001 : 9000);
        this.http = "http://" + httpHost + ":" + httpPort;
        this.grpc = grpcHost + ":" + grpcPort;
    }

    public String http() {
        return http;
    }

    public String grpc() {
        return grpc;
    }

    /** A browsable address: a wildcard bind address is shown as localhost. */
    public String console() {
        return http.replace("://0.0.0.0:", "://localhost:") + "/";
    }
}
