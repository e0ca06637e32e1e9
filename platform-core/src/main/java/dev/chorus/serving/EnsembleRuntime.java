package dev.chorus.serving;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.chorus.ensembles.Ensemble;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.errors.ChorusException;
import dev.chorus.errors.NotFoundException;
import dev.chorus.errors.UnavailableException;
import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.registry.BackboneRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The versions this replica serves. The current version of every ensemble is loaded (and warmed
 * up) eagerly and re-checked every refresh interval: a newer version is loaded first and then
 * becomes current, so requests never wait for a swap and none in flight is dropped. Pinned
 * versions load on demand. At most {@code max-loaded-versions} stay loaded; the least recently
 * used idle one beyond that is retired.
 */
@ApplicationScoped
public class EnsembleRuntime {

    private static final Logger LOG = Logger.getLogger(EnsembleRuntime.class);

    private final EnsembleService ensembles;
    private final BackboneRegistry registry;
    private final ServingConfig config;
    private final ServingMetrics metrics;
    private final Map<String, LoadedVersion> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Integer> current = new ConcurrentHashMap<>();
    private final Map<String, BatchingPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, Object> loading = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger unknownArrivals = new AtomicInteger();
    /** Versions whose load failed: not retried by the refresher before the instant (nanoTime) given. */
    private final Map<String, Long> failedLoads = new ConcurrentHashMap<>();
    private static final long RETRY_FAILED_LOAD_NANOS = TimeUnit.SECONDS.toNanos(60);
    private MemberPool pool;
    private ScheduledExecutorService refresher;
    private volatile boolean started;

    EnsembleRuntime(EnsembleService ensembles, BackboneRegistry registry, ServingConfig config, ServingMetrics metrics) {
        this.ensembles = ensembles;
        this.registry = registry;
        this.config = config;
        this.metrics = metrics;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 900) StartupEvent event) {
        pool = new MemberPool(config.memberThreads(), this::open);
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("serving-refresh")
                .factory());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, config.refreshInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        started = true;
    }

    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        started = false;
        if (refresher != null) {
            refresher.shutdownNow();
        }
        List<LoadedVersion> all;
        synchronized (loaded) {
            all = new ArrayList<>(loaded.values());
            loaded.clear();
        }
        all.forEach(LoadedVersion::retire);
        if (pool != null) {
            pool.close();
        }
    }

    public boolean started() {
        return started;
    }

    /** A leased version; close the lease when the request is answered. */
    public final class Lease implements AutoCloseable {
        final LoadedVersion version;
        final String arm;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease(LoadedVersion version, String arm) {
            this.version = version;
            this.arm = arm;
        }

        /** Releases the version once, however often it is called. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                version.release();
            }
        }
    }

    /**
     * A lease on the version a request names when it is loaded already, without waiting: no
     * database lookup, no loading (empty otherwise, and for names and versions not served).
     */
    public Optional<Lease> leaseIfLoaded(String ensemble, int version) {
        Integer number = version == 0 ? current.get(ensemble == null ? "" : ensemble) : Integer.valueOf(version);
        if (number == null || number < 1) {
            return Optional.empty();
        }
        LoadedVersion found;
        synchronized (loaded) {
            found = loaded.get(key(ensemble, number));
        }
        if (found == null || !found.tryAcquire()) {
            return Optional.empty();
        }
        return Optional.of(new Lease(found, version == 0 ? "current" : "pinned"));
    }

    /** The version to answer with: {@code version} 0 is the ensemble's current one. */
    public Lease lease(String ensemble, int version) {
        if (ensemble == null || ensemble.isBlank()) {
            throw new dev.chorus.errors.InvalidRequestException("an ensemble name is required");
        }
        if (version < 0) {
            throw new dev.chorus.errors.InvalidRequestException("version must be positive (or 0 for the current one)");
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            int number = version == 0 ? currentVersion(ensemble) : version;
            LoadedVersion found = loadedOrLoad(ensemble, number);
            if (found.tryAcquire()) {
                return new Lease(found, version == 0 ? "current" : "pinned");
            }
        }
        throw new UnavailableException("ensemble '" + ensemble + "' is being swapped; retry");
    }

    /**
     * Requests for an ensemble received but not yet queued. Only ensembles with a loaded version
     * have their own counter (request names are untrusted input); others share one no batcher reads.
     */
    AtomicInteger arrivals(String ensemble) {
        return ensemble == null ? unknownArrivals : arrivals.getOrDefault(ensemble, unknownArrivals);
    }

    /** The version number a request for {@code version} (0 = current) is answered with now. */
    public int resolve(String ensemble, int version) {
        return version == 0 ? currentVersion(ensemble) : version;
    }

    private int currentVersion(String ensemble) {
        Integer known = current.get(ensemble);
        if (known != null) {
            return known;
        }
        int latest = ensembles.version(ensemble, 0).version;
        current.putIfAbsent(ensemble, latest);
        return current.get(ensemble);
    }

    public Optional<Integer> current(String ensemble) {
        return Optional.ofNullable(current.get(ensemble));
    }

    public List<Integer> loadedVersions(String ensemble) {
        synchronized (loaded) {
            return loaded.values().stream().filter(v -> v.ensemble.equals(ensemble)).map(v -> v.version).sorted()
                    .toList();
        }
    }

    public boolean isLoaded(String ensemble, int version) {
        synchronized (loaded) {
            return loaded.containsKey(key(ensemble, version));
        }
    }

    public BatchingPolicy policy(String ensemble) {
        return policies.computeIfAbsent(ensemble, name -> BatchingPolicy.of(config, name));
    }

    /** Changes an ensemble's batching now, for every loaded version (not persisted: configuration is). */
    public void setPolicy(String ensemble, BatchingPolicy policy) {
        ensembles.get(ensemble);
        policies.put(ensemble, policy);
        synchronized (loaded) {
            loaded.values().stream().filter(v -> v.ensemble.equals(ensemble)).forEach(v -> v.batcher().setPolicy(policy));
        }
        LOG.infof("Serving '%s': batching now %s", ensemble, policy);
    }

    LoadedVersion loadedOrLoad(String ensemble, int version) {
        String key = key(ensemble, version);
        synchronized (loaded) {
            LoadedVersion found = loaded.get(key);
            if (found != null) {
                return found;
            }
        }
        synchronized (loading.computeIfAbsent(key, k -> new Object())) {
            synchronized (loaded) {
                LoadedVersion found = loaded.get(key);
                if (found != null) {
                    return found;
                }
            }
            LoadedVersion fresh = load(ensemble, version);
            synchronized (loaded) {
                loaded.put(key, fresh);
                pool.retainOnly(backboneKeys(loaded.values()));
                evictBeyondLimit(key);
            }
            return fresh;
        }
    }

    private LoadedVersion load(String ensemble, int number) {
        long started = System.nanoTime();
        EnsembleVersion row = ensembles.version(ensemble, number);
        byte[] head = ensembles.verifiedHead(row);
        List<PinnedMember> members = row.pinnedMembers();
        synchronized (loaded) {
            Set<String> keys = backboneKeys(loaded.values());
            members.forEach(m -> keys.add(MemberPool.key(m)));
            pool.retainOnly(keys);
        }
        LoadedVersion version = new LoadedVersion(ensemble, number, List.of(row.classes), members, head, pool,
                policy(ensemble), metrics, arrivals.computeIfAbsent(ensemble, e -> new AtomicInteger()),
                new Batcher.Settings(config.batchWorkers(), config.arrivalGap()));
        try {
            warmUp(version);
        } catch (RuntimeException e) {
            version.retire();
            throw e;
        }
        LOG.infof("Serving '%s' version %d loaded and warmed up in %.0f ms (members %s)", ensemble, number,
                (System.nanoTime() - started) / 1e6, members.stream().map(PinnedMember::backbone).toList());
        return version;
    }

    /** In-process capacity of a version: what its batch loops achieve without transport or queue. */
    public record Measurement(int version, int batchSize, int concurrentBatches, long images, double seconds,
            double imagesPerSecond, double singleImageP50Millis) {
    }

    /** @param concurrentBatches batch loops at once; 0 means the configured batch workers */
    public Measurement measure(String ensemble, int version, int batchSize, double seconds, int concurrentBatches) {
        if (!(seconds > 0 && seconds <= 60)) {
            throw new dev.chorus.errors.InvalidRequestException("seconds must be in (0, 60], was " + seconds);
        }
        if (concurrentBatches < 0 || concurrentBatches > 16) {
            throw new dev.chorus.errors.InvalidRequestException("concurrent batches must be 0-16, was "
                    + concurrentBatches);
        }
        int loops = concurrentBatches == 0 ? config.batchWorkers() : concurrentBatches;
        try (Lease lease = lease(ensemble, version)) {
            int size = batchSize == 0 ? policy(ensemble).maxBatchSize() : batchSize;
            if (size < 1 || size > 4096) {
                throw new dev.chorus.errors.InvalidRequestException("batch size must be 1-4096, was " + size);
            }
            return new CapacityProbe(lease.version, loops).measure(size, seconds);
        } catch (ChorusException e) {
            throw e;
        } catch (Exception e) {
            throw new UnavailableException("measuring failed: " + e.getMessage());
        }
    }

    /** One blank image through the whole path: backbones opened, head built, native code paged in. */
    private static void warmUp(LoadedVersion version) {
        InferenceItem item = new InferenceItem(CapacityProbe.blank(version), Long.MAX_VALUE, () -> false);
        version.submit(item);
        try {
            item.result.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ChorusException domain) {
                throw domain;
            }
            throw new UnavailableException("version " + version.version + " of '" + version.ensemble
                    + "' failed its warm-up: " + cause.getMessage());
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new UnavailableException("version " + version.version + " of '" + version.ensemble
                    + "' did not warm up within 120 s");
        }
    }

    /** Opens a member exactly as the version pinned it: refuses a backbone whose weights changed since. */
    private FeatureExtractor open(PinnedMember member) {
        int colon = member.backbone().lastIndexOf(':');
        BackboneProvider provider = registry.provider(member.backbone().substring(0, colon),
                member.backbone().substring(colon + 1)).orElseThrow(() -> new UnavailableException("member "
                        + member.backbone() + " is not offered by any loaded plugin"));
        Availability availability = provider.availability();
        if (availability instanceof Availability.Unavailable(String reason)) {
            throw new UnavailableException("member " + member.backbone() + " is unavailable: " + reason);
        }
        String found = ((Availability.Available) availability).weightsSha256();
        if (member.weightsSha256() != null && !member.weightsSha256().equals(found)) {
            throw new UnavailableException("member " + member.backbone() + " has other weights (sha256 " + found
                    + ") than the version was trained with (" + member.weightsSha256() + ")");
        }
        try {
            return provider.open();
        } catch (BackboneUnavailableException e) {
            throw new UnavailableException("member " + member.backbone() + " cannot be opened: " + e.getMessage());
        }
    }

    /** Retires least recently used idle versions beyond the bound; never a current one, nor {@code justLoaded}. */
    private void evictBeyondLimit(String justLoaded) {
        int excess = loaded.size() - config.maxLoadedVersions();
        for (Iterator<Map.Entry<String, LoadedVersion>> it = loaded.entrySet().iterator(); it.hasNext() && excess > 0;) {
            Map.Entry<String, LoadedVersion> entry = it.next();
            LoadedVersion candidate = entry.getValue();
            if (entry.getKey().equals(justLoaded)) {
                continue;
            }
            boolean isCurrent = Integer.valueOf(candidate.version).equals(current.get(candidate.ensemble));
            if (!isCurrent && candidate.idle()) {
                it.remove();
                candidate.retire();
                excess--;
                LOG.infof("Serving '%s' version %d unloaded (least recently used beyond %d loaded versions)",
                        candidate.ensemble, candidate.version, config.maxLoadedVersions());
            }
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("Serving refresh failed (will retry): %s", e.getMessage());
        }
    }

    /** Loads each ensemble's newest version, then makes it current: the hot swap. */
    void refresh() {
        for (Ensemble ensemble : ensembles.list()) {
            Optional<EnsembleVersion> latest = latest(ensemble.name);
            if (latest.isEmpty() || Integer.valueOf(latest.get().version).equals(current.get(ensemble.name))
                    && isLoaded(ensemble.name, latest.get().version)) {
                continue;
            }
            int number = latest.get().version;
            Long retryAt = failedLoads.get(key(ensemble.name, number));
            if (retryAt != null && System.nanoTime() < retryAt) {
                continue;
            }
            try {
                loadedOrLoad(ensemble.name, number);
                failedLoads.remove(key(ensemble.name, number));
                Integer previous = current.put(ensemble.name, number);
                synchronized (loaded) {
                    evictBeyondLimit(""); // the replaced version may now go
                    pool.retainOnly(backboneKeys(loaded.values()));
                }
                if (previous != null && previous != number) {
                    LOG.infof("Serving '%s': version %d is now current (was %d)", ensemble.name, number, previous);
                }
            } catch (ChorusException e) {
                failedLoads.put(key(ensemble.name, number), System.nanoTime() + RETRY_FAILED_LOAD_NANOS);
                Integer serving = current.get(ensemble.name);
                LOG.warnf("Serving '%s': version %d cannot be served (%s); %s; retrying in 60 s", ensemble.name,
                        number, e.getMessage(), serving == null ? "nothing to serve meanwhile"
                                : "version " + serving + " stays current");
            }
        }
    }

    private Optional<EnsembleVersion> latest(String ensemble) {
        try {
            return Optional.of(ensembles.version(ensemble, 0));
        } catch (NotFoundException none) {
            return Optional.empty();
        }
    }

    private static Set<String> backboneKeys(Collection<LoadedVersion> versions) {
        Set<String> keys = new HashSet<>();
        versions.forEach(v -> v.members.forEach(m -> keys.add(MemberPool.key(m))));
        return keys;
    }

    private static String key(String ensemble, int version) {
        return ensemble + "#" + version;
    }
}
