package dev.chorus.training.stacking;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.chorus.datasets.Dataset;
import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.Split;
import dev.chorus.datasets.SplitImages;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.errors.ConflictException;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.registry.BackboneRegistry;
import dev.chorus.ensembles.TrainingSummary.FeatureSource;
import dev.chorus.training.RunContext;
import dev.chorus.training.features.FeatureCache;
import dev.chorus.training.features.FeatureExtraction;
import dev.chorus.training.features.FeatureKey;
import dev.chorus.training.features.Features;
import dev.chorus.training.features.FeaturesConfig;

/** A member's pooled features for every split: from the cache, or extracted once and cached. */
@ApplicationScoped
class MemberFeatures {

    private static final Logger LOG = Logger.getLogger(MemberFeatures.class);

    private final FeatureCache cache;
    private final BackboneRegistry registry;
    private final DatasetService datasets;
    private final int batchSize;

    MemberFeatures(FeatureCache cache, BackboneRegistry registry, DatasetService datasets, FeaturesConfig config) {
        this.cache = cache;
        this.registry = registry;
        this.datasets = datasets;
        this.batchSize = config.batchSize();
    }

    Map<Split, Features> load(RunContext context, PinnedMember member, Dataset dataset, List<FeatureSource> sources)
            throws Exception {
        Map<Split, Features> features = new EnumMap<>(Split.class);
        try (LazyExtractor extractor = new LazyExtractor(member)) {
            for (Split split : Split.values()) {
                FeatureKey key = new FeatureKey(member.backbone(), member.weightsSha256(), dataset.name, dataset.id,
                        dataset.createdAt, split, member.inputSpec());
                SplitImages images = datasets.open(dataset.name, split);
                String phase = "features " + member.backbone() + " " + split.name().toLowerCase();
                context.progress(phase, null, null, 0.0, null);
                long started = System.nanoTime();
                FeatureCache.Lookup lookup = cache.getOrExtract(key, () -> FeatureExtraction.extract(extractor.get(),
                        images, batchSize, done -> {
                            context.checkCancelled();
                            double elapsed = (System.nanoTime() - started) / 1e9;
                            context.progress(phase, null, (long) done, done / (double) images.size(),
                                    elapsed / done * (images.size() - done));
                        }));
                double seconds = (System.nanoTime() - started) / 1e9;
                sources.add(new FeatureSource(member.backbone(), split.name().toLowerCase(), lookup.cached(),
                        lookup.features().rows(), seconds));
                LOG.infof("Run %d: %s features of %s on %s/%s (%d images, %.1f s)", context.runId(),
                        lookup.cached() ? "cached" : "extracted", member.backbone(), dataset.name,
                        split.name().toLowerCase(), lookup.features().rows(), seconds);
                features.put(split, lookup.features());
            }
        }
        return features;
    }

    /** Opens the backbone only if some split is not cached. */
    private final class LazyExtractor implements AutoCloseable {
        private final PinnedMember member;
        private FeatureExtractor opened;

        LazyExtractor(PinnedMember member) {
            this.member = member;
        }

        FeatureExtractor get() throws Exception {
            if (opened == null) {
                int colon = member.backbone().lastIndexOf(':');
                BackboneProvider provider = registry.provider(member.backbone().substring(0, colon),
                        member.backbone().substring(colon + 1)).orElseThrow(() -> new ConflictException("member '"
                                + member.backbone() + "' is registered but no loaded plugin offers it now"));
                opened = provider.open();
                if (opened.descriptor().featureDimension() != member.featureDimension()) {
                    throw new ConflictException("member '" + member.backbone() + "' now gives "
                            + opened.descriptor().featureDimension() + " features, the registry recorded "
                            + member.featureDimension());
                }
            }
            return opened;
        }

        @Override
        public void close() {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
