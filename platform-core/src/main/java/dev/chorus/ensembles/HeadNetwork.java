package dev.chorus.ensembles;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/** The head's layers, built the same way for training and for loading a version. */
public final class HeadNetwork {

    private HeadNetwork() {
    }

    /** Dense(hidden, activation) → Dropout → Dense(classes), or just Dense(classes) when hidden is 0. */
    public static Block build(HeadSpec spec, int classes) {
        SequentialBlock head = new SequentialBlock();
        if (spec.hiddenUnits() > 0) {
            head.add(Linear.builder().setUnits(spec.hiddenUnits()).build()).add(activation(spec.activation()));
            if (spec.dropout() > 0) {
                head.add(Dropout.builder().optRate((float) spec.dropout()).build());
            }
        }
        return head.add(Linear.builder().setUnits(classes).build());
    }

    private static Block activation(String name) {
        return switch (name) {
            case "relu" -> Activation.reluBlock();
            case "tanh" -> Activation.tanhBlock();
            case "sigmoid" -> Activation.sigmoidBlock();
            case "gelu" -> Activation.geluBlock();
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
        };
    }
}
