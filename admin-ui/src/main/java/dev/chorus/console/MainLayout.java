package dev.chorus.console;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.RouterLink;

/** The console's frame: its name and the way to each page. */
public class MainLayout extends AppLayout {

    public MainLayout() {
        H1 title = new H1("Chorus");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0 var(--lumo-space-m)");
        RouterLink start = new RouterLink("Platform", StartView.class);
        start.setId("nav-platform");
        RouterLink backbones = new RouterLink("Backbones", BackbonesView.class);
        backbones.setId("nav-backbones");
        HorizontalLayout links = new HorizontalLayout(start, backbones);
        links.setSpacing(true);
        addToNavbar(title, links);
    }
}
