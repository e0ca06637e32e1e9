package dev.chorus.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import com.google.protobuf.Timestamp;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

import dev.chorus.proto.v1.DatabaseInfo;
import dev.chorus.proto.v1.GetPlatformInfoRequest;
import dev.chorus.proto.v1.PlatformInfo;
import dev.chorus.proto.v1.PlatformServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;

/** The console's start page: what this Chorus is and what it runs on, read from the admin API. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Chorus")
public class StartView extends VerticalLayout {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Inject
    public StartView(@GrpcClient("chorus") PlatformServiceGrpc.PlatformServiceBlockingStub platform) {
        try {
            PlatformInfo info = platform.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getPlatformInfo(GetPlatformInfoRequest.getDefaultInstance());
            showPlatform(info);
        } catch (StatusRuntimeException e) {
            Paragraph error = new Paragraph("The platform's admin API did not answer: " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " — " + e.getStatus().getDescription()));
            error.setId("platform-error");
            add(error);
        }
    }

    private void showPlatform(PlatformInfo info) {
        add(new H2("Platform"));
        add(fact("Version", "platform-version", info.getVersion()));
        add(fact("Registered backbones", "registered-backbones", Long.toString(info.getRegisteredBackbones())));
        add(fact("Up since", "started-at", time(info.getStartedAt())));
        add(fact("Starts on this database", "starts-recorded",
                info.getStartsRecorded() + " since " + time(info.getFirstStartedAt())));
        add(new H2("Database"));
        DatabaseInfo db = info.getDatabase();
        add(fact("Kind", "database-kind", db.getKind() == DatabaseInfo.Kind.EMBEDDED
                ? "Embedded PostgreSQL" : "External PostgreSQL"));
        add(fact("URL", "database-url", db.getUrl()));
        add(fact("Server", "database-server", db.getServerVersion()));
        add(fact("Schema version", "schema-version", db.getSchemaVersion()));
        if (!db.getDataDirectory().isEmpty()) {
            add(fact("Data directory", "database-data-directory", db.getDataDirectory()));
        }
        add(new H2("Endpoints"));
        add(fact("HTTP", "endpoint-http", info.getEndpoints().getHttp()));
        add(fact("gRPC", "endpoint-grpc", info.getEndpoints().getGrpc()));
    }

    private static Div fact(String label, String id, String value) {
        Span name = new Span(label + ": ");
        name.getStyle().set("font-weight", "600");
        Span text = new Span(value);
        text.setId(id);
        return new Div(name, text);
    }

    private static String time(Timestamp timestamp) {
        return TIME.format(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }
}
