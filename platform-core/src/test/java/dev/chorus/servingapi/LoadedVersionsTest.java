package dev.chorus.servingapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import dev.chorus.ensembles.HeadSpec;
import dev.chorus.ensembles.StackingFixture;
import dev.chorus.ensembles.StackingSupport;
import dev.chorus.proto.v1.ClassifierGrpc;
import dev.chorus.proto.v1.ClassifyRequest;
import dev.chorus.serving.EnsembleRuntime;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The loaded-version cache is bounded: replaced and pinned versions are unloaded when idle and reload on demand. */
@QuarkusTest
@TestProfile(LoadedVersionsTest.OneLoadedVersion.class)
class LoadedVersionsTest {

    public static class OneLoadedVersion implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chorus.serving.max-loaded-versions", "1");
        }
    }

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;
    @Inject
    StackingSupport stacking;
    @Inject
    EnsembleRuntime runtime;

    @AfterAll
    static void removeTheFixtureDataset() {
        StackingFixture.cleanUp();
    }

    @Test
    void versionsBeyondTheBoundAreUnloadedWhenIdleAndReloadWhenAskedFor() throws Exception {
        String name = stacking.ensembleWithVersion("bounded", new HeadSpec(8, "relu", 0.0, "adam", 0.01, 32, 2, 2, 3));
        stacking.stackAgain(name);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            ClassifierGrpc.ClassifierBlockingStub classifier = ClassifierGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            ByteString image = ByteString.copyFrom(ServingTest.png("left", 1));
            assertEquals(1, classifier.classify(ClassifyRequest.newBuilder().setEnsemble(name).setVersion(1)
                    .setImage(image).build()).getVersion());

            stacking.stackAgain(name); // version 3 becomes current: 1 and 2 are idle and over the bound
            awaitLoaded(name, List.of(3));

            assertEquals(2, classifier.classify(ClassifyRequest.newBuilder().setEnsemble(name).setVersion(2)
                    .setImage(image).build()).getVersion(), "an unloaded version loads again when pinned");
            assertEquals(3, classifier.classify(ClassifyRequest.newBuilder().setEnsemble(name).setImage(image).build())
                    .getVersion());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    void awaitLoaded(String ensemble, List<Integer> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!runtime.loadedVersions(ensemble).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected, runtime.loadedVersions(ensemble));
    }
}
