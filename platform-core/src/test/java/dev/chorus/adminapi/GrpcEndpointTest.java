package dev.chorus.adminapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chorus.database.Migrations;
import dev.chorus.proto.v1.DatabaseInfo;
import dev.chorus.proto.v1.GetPlatformInfoRequest;
import dev.chorus.proto.v1.PlatformInfo;
import dev.chorus.proto.v1.PlatformServiceGrpc;
import dev.chorus.registry.BackboneVersion;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;

/** The gRPC server as any client sees it: over a real TCP socket with a plain grpc-java channel. */
@QuarkusTest
class GrpcEndpointTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Inject
    Vertx vertx;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void serverRunsOnTheNativeEpollTransport() {
        assertTrue(vertx.isNativeTransportEnabled(), "Vert.x (and the gRPC server on its event loops) fell back to"
                + " NIO: " + vertx.unavailableNativeTransportCause());
    }

    @Test
    void healthServiceAnswersServing() {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus());
    }

    @Test
    void reflectionListsTheServices() throws InterruptedException {
        List<String> services = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        var requests = ServerReflectionGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<ServerReflectionResponse>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).forEach(services::add);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(services.containsAll(List.of("chorus.v1.PlatformService", "grpc.health.v1.Health")),
                "listed: " + services);
    }

    @Test
    void platformInfoDescribesTheEmbeddedDatabaseAndTheRegistry() {
        PlatformInfo info = PlatformServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getPlatformInfo(GetPlatformInfoRequest.getDefaultInstance());

        assertEquals(DatabaseInfo.Kind.EMBEDDED, info.getDatabase().getKind());
        assertTrue(info.getDatabase().getUrl().startsWith("jdbc:postgresql://127.0.0.1:"), info.getDatabase().getUrl());
        assertTrue(info.getDatabase().getDataDirectory().endsWith("chorus-test-postgres"));
        assertTrue(info.getDatabase().getServerVersion().startsWith("PostgreSQL 17"));
        assertEquals(Migrations.latestVersion(), info.getDatabase().getSchemaVersion());
        long registered = QuarkusTransaction.requiringNew().call(() -> BackboneVersion.count());
        assertEquals(registered, info.getRegisteredBackbones());
        assertTrue(info.getStartsRecorded() >= 1);
        assertTrue(info.getFirstStartedAt().getSeconds() <= info.getStartedAt().getSeconds());
        assertEquals("0.1.0-SNAPSHOT", info.getVersion());
    }
}
