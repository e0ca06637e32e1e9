package dev.chorus.training.backbones;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.chorus.artifacts.ArtifactStore;
import dev.chorus.datasets.DatasetService;
import dev.chorus.plugins.builtincnn.Architecture;
import dev.chorus.registry.BackboneRegistry;
import dev.chorus.registry.BackboneVersion;
import dev.chorus.registry.TrainedBackbones;
import dev.chorus.training.RunContext;

/**
 * Fine-tunes a backbone version Chorus trained: its lower layers are frozen (and run in
 * inference mode), its top {@code trainable_blocks} (default 1) and a new temporary head train at
 * a low learning rate (default 0.0001). Parameters as for pretraining, plus {@code parent}
 * ({@code name:version}); the architecture comes from the parent. The result is a new version
 * whose lineage names the parent.
 */
@Singleton
public class FineTuneBackboneJob extends PretrainBackboneJob {

    public static final String NAME = "finetune-backbone";

    FineTuneBackboneJob(DatasetService datasets, ArtifactStore artifacts, TrainedBackbones trained,
            BackboneRegistry registry) {
        super(datasets, artifacts, trained, registry);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected Settings settings(RunContext context) {
        Map<String, String> parameters = new HashMap<>(context.parameters());
        parameters.put("architecture", parent(parameters).architecture().backboneName());
        return Settings.of(parameters, "0.0001");
    }

    private record Parent(String key, BackboneVersion row, Architecture architecture) {
    }

    private Parent parent(Map<String, String> parameters) {
        String key = Settings.required(parameters, "parent");
        int colon = key.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("parent must be name:version, was '" + key + "'");
        }
        BackboneVersion row = registry.get(key.substring(0, colon), key.substring(colon + 1));
        if (row.weightsArtifactId == null || row.architecture == null) {
            throw new IllegalArgumentException("parent " + key + " was not trained by Chorus; fine-tuning starts from"
                    + " a version a pretrain run produced");
        }
        return new Parent(key, row, Architecture.valueOf(row.architecture));
    }

    @Override
    protected Network network(Settings settings, int classes, Path work) throws Exception {
        Map<String, String> parameters = Map.of("parent", settings.parentKey());
        Parent parent = parent(parameters);
        int trainableBlocks = settings.trainableBlocks();
        Block backbone = parent.architecture().build();
        artifacts.copyToFile(parent.row().weightsArtifactId, work.resolve("parent-0000.params"));
        Model parentModel = Model.newInstance("parent-" + parent.key());
        parentModel.setBlock(backbone);
        parentModel.load(work, "parent");

        var children = ((SequentialBlock) backbone).getChildren();
        int cut = children.size();
        int found = 0;
        while (cut > 0 && found < trainableBlocks) {
            cut--;
            if (!children.get(cut).getValue().getParameters().isEmpty()) {
                found++;
            }
        }
        if (found < trainableBlocks) {
            parentModel.close();
            throw new IllegalArgumentException("trainable_blocks=" + trainableBlocks + " but " + parent.key()
                    + " has only " + found + " blocks with weights");
        }
        SequentialBlock lower = new SequentialBlock();
        SequentialBlock net = new SequentialBlock();
        for (int i = 0; i < children.size(); i++) {
            (i < cut ? lower : net).add(children.get(i).getValue());
        }
        SequentialBlock trainable = new SequentialBlock().add(new InferenceModeBlock(lower)).add(net)
                .add(Linear.builder().setUnits(classes).build());
        return new Network(backbone, trainable, parent.key(), parentModel);
    }
}
