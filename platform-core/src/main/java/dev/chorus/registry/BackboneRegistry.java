package dev.chorus.registry;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.PluginContext;
import dev.chorus.registry.BackboneVersion.Status;
import io.quarkus.runtime.StartupEvent;

/**
 * The registry of backbone versions. At start-up every plugin is asked for its backbones and
 * each one is upserted with its availability; plugin failures are recorded, never fatal. Admins
 * switch versions on and off; everything that happens to a version is kept in its history.
 */
@ApplicationScoped
public class BackboneRegistry {

    private static final Logger LOG = Logger.getLogger(BackboneRegistry.class);

    private final PluginsConfig config;
    private final RegistryWriter writer;
    private final TrainedBackbones trained;
    private volatile Map<String, BackboneProvider> providers = Map.of();
    private volatile Map<String, BackbonePlugin> loadedPlugins = Map.of();

    BackboneRegistry(PluginsConfig config, RegistryWriter writer, TrainedBackbones trained) {
        this.config = config;
        this.writer = writer;
        this.trained = trained;
    }

    /** After the schema is migrated (DatabaseBootstrap), before the start-up summary. */
    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 500) StartupEvent event) {
        synchronize();
    }

    /** Asks every plugin again and brings the registry up to date; safe to repeat. */
    public synchronized SyncReport synchronize() {
        PluginDiscovery.Result discovered = PluginDiscovery.discover(BackbonePlugin.class.getClassLoader(),
                Path.of(config.directory()));
        PluginContext context = new PluginContext(Path.of(config.weightsDirectory()), config.settings());
        Map<String, BackboneProvider> offered = new LinkedHashMap<>();
        Map<String, String> offeredBy = new LinkedHashMap<>();
        Map<String, BackbonePlugin> plugins = new LinkedHashMap<>();
        List<String> failedPlugins = new ArrayList<>();

        List<PluginDiscovery.Found> all = new ArrayList<>(discovered.plugins());
        all.add(0, new PluginDiscovery.Found(trained, "database (versions trained by Chorus)"));
        for (PluginDiscovery.Found found : all) {
            String id = pluginId(found);
            if (plugins.putIfAbsent(id, found.plugin()) != null) {
                writer.recordPlugin(id + " (" + found.source() + ")", found.source(), 0,
                        List.of("another plugin already uses the id '" + id + "'; this one was ignored"));
                failedPlugins.add(id);
                continue;
            }
            List<String> problems = new ArrayList<>();
            int registered = registerBackbones(found, id, context, offered, offeredBy, problems);
            writer.recordPlugin(id, found.source(), registered, problems);
            if (!problems.isEmpty()) {
                failedPlugins.add(id);
            }
        }
        for (PluginDiscovery.Failure failure : discovered.failures()) {
            writer.recordPlugin(failure.id(), failure.source(), 0, List.of(failure.reason()));
            failedPlugins.add(failure.id());
        }
        writer.markMissing(offeredBy.keySet());
        providers = Map.copyOf(offered);
        loadedPlugins = Map.copyOf(plugins);
        SyncReport report = new SyncReport(offered.size(), failedPlugins);
        LOG.infof("Backbone registry: %d backbone version(s) offered by %d plugin(s)%s", report.offered(),
                plugins.size(), failedPlugins.isEmpty() ? "" : "; plugins with problems: " + failedPlugins);
        return report;
    }

    private int registerBackbones(PluginDiscovery.Found found, String id, PluginContext context,
            Map<String, BackboneProvider> offered, Map<String, String> offeredBy, List<String> problems) {
        List<BackboneProvider> backbones;
        try {
            backbones = List.copyOf(found.plugin().backbones(context));
        } catch (Throwable e) {
            problems.add("listing its backbones failed: " + PluginDiscovery.describe(e));
            return 0;
        }
        int registered = 0;
        for (BackboneProvider provider : backbones) {
            BackboneDescriptor descriptor;
            try {
                descriptor = provider.descriptor();
                java.util.Objects.requireNonNull(descriptor, "descriptor() returned null");
            } catch (Throwable e) {
                problems.add("a backbone's descriptor failed: " + PluginDiscovery.describe(e));
                continue;
            }
            String key = descriptor.key();
            if (offeredBy.containsKey(key)) {
                problems.add("backbone " + key + " is already offered by plugin '" + offeredBy.get(key)
                        + "'; this duplicate was ignored");
                continue;
            }
            offeredBy.put(key, id);
            offered.put(key, provider);
            try {
                writer.upsert(descriptor, id, AvailabilityCheck.of(provider));
                registered++;
            } catch (RuntimeException e) {
                problems.add("backbone " + key + " could not be recorded: " + PluginDiscovery.describe(e));
            }
        }
        return registered;
    }

    private static String pluginId(PluginDiscovery.Found found) {
        try {
            String id = found.plugin().id();
            return id == null || id.isBlank() ? found.plugin().getClass().getName() : id.strip();
        } catch (Throwable e) {
            return found.plugin().getClass().getName();
        }
    }

    /** A plugin loaded at the last synchronisation. */
    public Optional<BackbonePlugin> plugin(String id) {
        return Optional.ofNullable(loadedPlugins.get(id));
    }

    /** The loaded plugin's provider for a version offered at the last synchronisation. */
    public Optional<BackboneProvider> provider(String name, String version) {
        return Optional.ofNullable(providers.get(name + ":" + version));
    }

    @Transactional
    public List<BackboneVersion> list(Optional<Status> status, Optional<String> plugin) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> parameters = new LinkedHashMap<>();
        status.ifPresent(s -> {
            query.append(" and status = :status");
            parameters.put("status", s);
        });
        plugin.ifPresent(p -> {
            query.append(" and plugin = :plugin");
            parameters.put("plugin", p);
        });
        return BackboneVersion.list(query + " order by name, version", parameters);
    }

    @Transactional
    public BackboneVersion get(String name, String version) {
        requireKey(name, version);
        return BackboneVersion.findByKey(name, version)
                .orElseThrow(() -> new NotFoundException("no backbone " + name + ":" + version + " in the registry"));
    }

    @Transactional
    public List<BackboneEvent> history(String name, String version) {
        return BackboneEvent.history(get(name, version));
    }

    @Transactional
    public List<BackbonePluginRecord> plugins() {
        return BackbonePluginRecord.list("order by pluginId");
    }

    /** Admins switch a version off (it can no longer be used in new ensembles) and on again. */
    @Transactional
    public BackboneVersion setEnabled(String name, String version, boolean enabled) {
        BackboneVersion backbone = get(name, version);
        if (backbone.enabled != enabled) {
            backbone.enabled = enabled;
            backbone.updatedAt = Instant.now();
            BackboneEvent.record(backbone, enabled ? BackboneEvent.Kind.ENABLED : BackboneEvent.Kind.DISABLED,
                    enabled ? "enabled by an admin" : "disabled by an admin");
        }
        return backbone;
    }

    private static void requireKey(String name, String version) {
        if (name == null || name.isBlank() || version == null || version.isBlank()) {
            throw new InvalidRequestException("a backbone is named by both name and version");
        }
    }

    /** @param failedPlugins plugins that failed to load or had problems with some of their backbones */
    public record SyncReport(int offered, List<String> failedPlugins) {
    }
}
