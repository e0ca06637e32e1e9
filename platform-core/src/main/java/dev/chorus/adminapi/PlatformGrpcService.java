package dev.chorus.adminapi;

import dev.chorus.platform.PlatformStatus;
import dev.chorus.platform.PlatformStatusService;
import dev.chorus.proto.v1.DatabaseInfo;
import dev.chorus.proto.v1.Endpoints;
import dev.chorus.proto.v1.GetPlatformInfoRequest;
import dev.chorus.proto.v1.PlatformInfo;
import dev.chorus.proto.v1.PlatformServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** Transport only: maps the platform's status onto the chorus.v1 wire messages. */
@GrpcService
@Blocking
public class PlatformGrpcService extends PlatformServiceGrpc.PlatformServiceImplBase {

    private final PlatformStatusService platform;

    PlatformGrpcService(PlatformStatusService platform) {
        this.platform = platform;
    }

    @Override
    public void getPlatformInfo(GetPlatformInfoRequest request, StreamObserver<PlatformInfo> response) {
        response.onNext(toProto(platform.status()));
        response.onCompleted();
    }

    static PlatformInfo toProto(PlatformStatus status) {
        var database = status.database();
        DatabaseInfo.Builder db = DatabaseInfo.newBuilder()
                .setKind(database.embedded() ? DatabaseInfo.Kind.EMBEDDED : DatabaseInfo.Kind.EXTERNAL)
                .setUrl(database.url())
                .setServerVersion(status.serverVersion())
                .setSchemaVersion(status.schemaVersion());
        database.dataDirectory().ifPresent(dir -> db.setDataDirectory(dir.toString()));
        return PlatformInfo.newBuilder()
                .setVersion(status.version())
                .setDatabase(db)
                .setRegisteredBackbones(status.registeredBackbones())
                .setStartedAt(Timestamps.of(status.startedAt()))
                .setStartsRecorded(status.startsRecorded())
                .setFirstStartedAt(Timestamps.of(status.firstStartedAt()))
                .setEndpoints(Endpoints.newBuilder()
                        .setHttp(status.endpoints().http())
                        .setGrpc(status.endpoints().grpc())
                        .setConsole(status.endpoints().console()))
                .build();
    }
}
