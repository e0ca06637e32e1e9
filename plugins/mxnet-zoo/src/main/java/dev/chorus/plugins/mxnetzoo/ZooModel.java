package dev.chorus.plugins.mxnetzoo;

/**
 * ImageNet classifiers of the DJL MXNet model zoo (GluonCV exports) offered as backbones with
 * their classifier removed: features are the output of the layer below the last dense layer.
 */
enum ZooModel {

    RESNET50_V1("resnet50-v1", "residual", "resnet", "resnet50_v1", 2048),
    MOBILENET_V2("mobilenet-v2", "depthwise-separable", "mobilenet", "mobilenetv2_1.0", 1280),
    VGG16("vgg16", "plain", "vgg", "vgg16", 4096);

    /** Chorus's name for the backbone. */
    final String backboneName;
    final String family;
    /** The zoo's artifact directory under {@code ai/djl/mxnet/}. */
    final String artifact;
    /** File prefix of the export: {@code <prefix>-symbol.json}, {@code <prefix>-0000.params}. */
    final String filePrefix;
    final int featureDimension;

    ZooModel(String backboneName, String family, String artifact, String filePrefix, int featureDimension) {
        this.backboneName = backboneName;
        this.family = family;
        this.artifact = artifact;
        this.filePrefix = filePrefix;
        this.featureDimension = featureDimension;
    }
}
