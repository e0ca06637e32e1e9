package dev.chorus.datasets;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.chorus.errors.AlreadyExistsException;
import dev.chorus.errors.ConflictException;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;

/**
 * Imports, lists, describes and deletes datasets. An import is staged in a hidden directory and
 * becomes visible only once it is complete: the files are moved into place and the row is
 * committed together, and any failure removes the staged files, so a failed import leaves
 * neither a row nor stray files.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final String STAGING_PREFIX = ".staging-";
    /** Marks a directory as a dataset Chorus made, so clean-up never touches anything else. */
    static final String MARKER = ".chorus-dataset";

    private final DatasetsConfig config;
    private final DatasetRecords records;
    private final Instance<DatasetUsage> usages;

    DatasetService(DatasetsConfig config, DatasetRecords records, Instance<DatasetUsage> usages) {
        this.config = config;
        this.records = records;
        this.usages = usages;
    }

    public Path root() {
        return Path.of(config.directory()).toAbsolutePath();
    }

    public Dataset importFolder(String name, Path source, long seed, ImportProgress progress) {
        FolderImport folder = new FolderImport(config.maxImagePixels(), config.holdOutFraction(), seed);
        return importInto(name, Dataset.Source.IMAGE_FOLDER, seed, staging -> folder.stage(source, staging, progress));
    }

    public Dataset importZip(String name, InputStream zip, long seed, ImportProgress progress) {
        ZipImport zips = new ZipImport(config.maxUploadBytes(), config.maxExtractedBytes(), config.maxZipEntries());
        FolderImport folder = new FolderImport(config.maxImagePixels(), config.holdOutFraction(), seed);
        return importInto(name, Dataset.Source.ZIP_UPLOAD, seed, staging -> {
            Path work = Files.createDirectories(staging.resolveSibling(staging.getFileName() + "-upload"));
            try {
                Path archive = work.resolve("upload.zip");
                progress.update("receiving", 0, 0);
                zips.receive(zip, archive);
                Path extracted = Files.createDirectories(work.resolve("extracted"));
                zips.extract(archive, extracted, progress);
                return folder.stage(extracted, staging, progress);
            } finally {
                deleteRecursively(work);
            }
        });
    }

    public Dataset importFashionMnist(String name, Path idxDirectory, long seed, ImportProgress progress) {
        return importInto(name, Dataset.Source.FASHION_MNIST, seed,
                staging -> FashionMnistImport.stage(idxDirectory, staging, seed, config.holdOutFraction(), progress));
    }

    @FunctionalInterface
    private interface Stager {
        StagedDataset stage(Path staging) throws IOException;
    }

    private Dataset importInto(String name, Dataset.Source source, long seed, Stager stager) {
        requireName(name);
        if (records.exists(name)) {
            throw new AlreadyExistsException("a dataset named '" + name + "' exists already");
        }
        Path staging = root().resolve(STAGING_PREFIX + UUID.randomUUID());
        Path target = root().resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        boolean registered = false;
        try {
            Files.createDirectories(staging);
            StagedDataset staged = stager.stage(staging);
            Files.writeString(staging.resolve(MARKER), name + "\n");
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            Dataset dataset = records.insert(name, source, seed, root().relativize(target).toString(), staged);
            registered = true;
            LOG.infof("Imported dataset '%s' (%s): %d classes, %d images (%s), %d file(s) skipped", name, source,
                    staged.classes().size(), staged.total(), describeCounts(staged), staged.skipped().size());
            return dataset;
        } catch (IOException e) {
            throw new UncheckedIOException("importing dataset '" + name + "' failed: " + e.getMessage(), e);
        } finally {
            deleteRecursively(staging);
            if (!registered) {
                deleteRecursively(target);
            }
        }
    }

    private static String describeCounts(StagedDataset staged) {
        List<String> parts = new ArrayList<>();
        staged.counts().forEach((split, counts) -> parts.add(split.name().toLowerCase() + " "
                + java.util.Arrays.stream(counts).sum()));
        return String.join(", ", parts);
    }

    @Transactional
    public List<Dataset> list() {
        return Dataset.list("order by name");
    }

    @Transactional
    public Dataset get(String name) {
        requireName(name);
        return Dataset.findByName(name).orElseThrow(() -> new NotFoundException("no dataset named '" + name + "'"));
    }

    @Transactional
    public Optional<Dataset> find(String name) {
        return name == null ? Optional.empty() : Dataset.findByName(name);
    }

    @Transactional
    public List<DatasetClassCount> counts(String name) {
        return DatasetClassCount.list("datasetId = ?1 order by split, classIndex", get(name).id);
    }

    @Transactional
    public List<DatasetSkippedFile> skipped(String name) {
        return DatasetSkippedFile.list("datasetId = ?1 order by id", get(name).id);
    }

    public SplitImages open(String name, Split split) {
        Dataset dataset = get(name);
        Path directory = root().resolve(dataset.directory);
        try {
            return dataset.storageFormat == Dataset.StorageFormat.IDX ? IdxSplit.open(directory, split)
                    : new ImageFileSplit(directory, split, dataset.classes.length);
        } catch (IOException e) {
            throw new UncheckedIOException("dataset '" + name + "' cannot be read from " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Up to {@code perClass} training images of each class, as small PNGs (at most 64 px). */
    public List<Sample> samples(String name, int perClass) {
        Dataset dataset = get(name);
        SplitImages train = open(name, Split.TRAIN);
        int[] taken = new int[dataset.classes.length];
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < train.size() && samples.size() < perClass * taken.length; i++) {
            int label = train.label(i);
            if (taken[label] < perClass) {
                taken[label]++;
                samples.add(new Sample(label, dataset.classes[label], thumbnail(train, i)));
            }
        }
        return samples;
    }

    public record Sample(int label, String className, byte[] png) {
    }

    public void delete(String name) {
        Dataset dataset = get(name);
        for (DatasetUsage usage : usages) {
            Optional<String> user = usage.usedBy(name);
            if (user.isPresent()) {
                throw new ConflictException("dataset '" + name + "' is in use (" + user.get() + "); it was not deleted");
            }
        }
        records.delete(dataset.id);
        deleteRecursively(root().resolve(dataset.directory));
        LOG.infof("Deleted dataset '%s'", name);
    }

    /** Removes what an import killed half-way left behind: staging directories, unregistered datasets. */
    public void removeLeftovers() {
        if (!Files.isDirectory(root())) {
            return;
        }
        try (Stream<Path> entries = Files.list(root())) {
            for (Path entry : entries.toList()) {
                String fileName = entry.getFileName().toString();
                boolean staging = fileName.startsWith(STAGING_PREFIX);
                boolean orphan = Files.isRegularFile(entry.resolve(MARKER))
                        && !records.directoryRegistered(root().relativize(entry).toString());
                if (staging || orphan) {
                    LOG.warnf("Removing %s left by an interrupted dataset import", entry);
                    deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            LOG.warnf("Could not look for interrupted imports in %s: %s", root(), e.getMessage());
        }
    }

    private static byte[] thumbnail(SplitImages split, int index) {
        try {
            BufferedImage image = split.image(index);
            double scale = Math.min(1.0, 64.0 / Math.max(image.getWidth(), image.getHeight()));
            int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
            int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
            BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, null);
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(small, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException("a dataset name is 1-63 lower-case letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit; got '" + name + "'");
        }
    }

    static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path file : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warnf("Could not remove %s: %s", path, e.getMessage());
        }
    }
}
