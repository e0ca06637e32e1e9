package dev.chorus.console;

import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

import dev.chorus.proto.v1.Backbone;
import dev.chorus.proto.v1.BackboneRegistryGrpc;
import dev.chorus.proto.v1.ListBackbonesRequest;
import dev.chorus.proto.v1.SetBackboneEnabledRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;

/** Every backbone version in the registry, why it cannot be used if it cannot, and its on/off switch. */
@Route(value = "backbones", layout = MainLayout.class)
@PageTitle("Backbones · Chorus")
public class BackbonesView extends VerticalLayout {

    private final BackboneRegistryGrpc.BackboneRegistryBlockingStub registry;
    private final Grid<Backbone> grid = new Grid<>(Backbone.class, false);
    private final Paragraph error = new Paragraph();

    @Inject
    public BackbonesView(@GrpcClient("chorus") BackboneRegistryGrpc.BackboneRegistryBlockingStub registry) {
        this.registry = registry;
        setSizeFull();
        grid.setId("backbones");
        // A registry holds dozens of versions, not millions: render them all, let the page scroll.
        grid.setAllRowsVisible(true);
        grid.addColumn(b -> b.getName() + ":" + b.getVersion()).setHeader("Backbone").setAutoWidth(true);
        grid.addColumn(Backbone::getPlugin).setHeader("Plugin").setAutoWidth(true);
        grid.addColumn(Backbone::getFamily).setHeader("Family").setAutoWidth(true);
        grid.addColumn(BackbonesView::shape).setHeader("Input → features").setAutoWidth(true);
        grid.addColumn(b -> b.getStatus().name()).setHeader("Status").setAutoWidth(true);
        grid.addComponentColumn(BackbonesView::reason).setHeader("Why").setFlexGrow(1);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(this::enabledSwitch).setHeader("Enabled").setAutoWidth(true);
        error.setId("backbones-error");
        add(new H2("Backbones"), error, grid);
        refresh();
    }

    /** Long reasons are cut by the grid; hovering shows all of it. */
    private static Span reason(Backbone backbone) {
        Span reason = new Span(backbone.getStatusReason());
        reason.getElement().setAttribute("title", backbone.getStatusReason());
        return reason;
    }

    private static String shape(Backbone backbone) {
        if (backbone.getInput().getHeight() == 0) {
            return "—";
        }
        return backbone.getInput().getHeight() + "×" + backbone.getInput().getWidth() + "×"
                + backbone.getInput().getChannels() + " → " + backbone.getFeatureDimension();
    }

    private Button enabledSwitch(Backbone backbone) {
        Button button = new Button(backbone.getEnabled() ? "Disable" : "Enable", click -> {
            call(() -> registry.withDeadlineAfter(10, TimeUnit.SECONDS).setBackboneEnabled(
                    SetBackboneEnabledRequest.newBuilder().setName(backbone.getName())
                            .setVersion(backbone.getVersion()).setEnabled(!backbone.getEnabled()).build()));
            refresh();
        });
        button.setId("toggle-" + backbone.getName() + "-" + backbone.getVersion());
        return button;
    }

    private void refresh() {
        call(() -> grid.setItems(registry.withDeadlineAfter(10, TimeUnit.SECONDS)
                .listBackbones(ListBackbonesRequest.getDefaultInstance()).getBackbonesList()));
    }

    private void call(Runnable request) {
        try {
            request.run();
            error.setText("");
        } catch (StatusRuntimeException e) {
            String message = "The registry did not answer: " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " — " + e.getStatus().getDescription());
            error.setText(message);
            Notification.show(message);
        }
    }
}
