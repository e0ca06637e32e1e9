package dev.chorus.database;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/**
 * A server that accepts the TCP connection and then says nothing (a hung database, a wrong
 * port on a firewall) must not hang Chorus: start-up gives up after the connect timeout.
 */
@QuarkusMainTest
@TestProfile(SilentDatabaseTest.SilentDatabase.class)
class SilentDatabaseTest {

    public static class SilentDatabase implements QuarkusTestProfile {
        static final SilentServer SERVER = new SilentServer();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + SERVER.port() + "/chorus",
                    "quarkus.datasource.username", "chorus",
                    "chorus.database.connect-timeout", "2s");
        }
    }

    @Test
    @Timeout(120)
    @Launch(value = {}, exitCode = 1)
    void givesUpAfterTheConnectTimeout(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("Cannot use the database external PostgreSQL at jdbc:postgresql://127.0.0.1:"
                + SilentDatabase.SERVER.port() + "/chorus as 'chorus' (checked for up to 2 s)"), output);
    }

    /** Accepts connections on loopback and never answers. */
    static final class SilentServer {
        private final ServerSocket socket;
        private final List<Socket> held = new ArrayList<>();

        SilentServer() {
            try {
                socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(this::acceptForever, "silent-database");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptForever() {
            try {
                while (true) {
                    held.add(socket.accept());
                }
            } catch (IOException e) {
                // socket closed with the JVM
            }
        }
    }
}
