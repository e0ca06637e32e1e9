package dev.chorus.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import dev.chorus.errors.InvalidRequestException;

/**
 * Stages an image-folder tree: {@code train/<class>/*.png} with optional {@code validation/} and
 * {@code test/}, or a single level of class folders split by a seeded ratio. Every image is
 * checked and copied into the staging directory as {@code <split>/<class index>/<n>.<ext>};
 * unusable files are skipped and reported, an unusable tree is refused as a whole.
 */
final class FolderImport {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private final long maxPixels;
    private final double holdOut;
    private final long seed;
    private final List<StagedDataset.Skipped> skipped = new ArrayList<>();
    private Path root;

    FolderImport(long maxPixels, double holdOut, long seed) {
        this.maxPixels = maxPixels;
        this.holdOut = holdOut;
        this.seed = seed;
    }

    StagedDataset stage(Path source, Path staging, ImportProgress progress) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new InvalidRequestException("no directory at " + source);
        }
        root = unwrapSingleFolder(source);
        Map<Split, Map<String, List<Path>>> files = hasSplitFolders(root) ? bySplitFolders() : byClassFolders();
        List<String> classes = List.copyOf(files.get(Split.TRAIN).keySet());
        Map<Split, int[]> counts = StagedDataset.emptyCounts(classes.size());
        long total = files.values().stream().flatMap(m -> m.values().stream()).mapToLong(List::size).sum();
        long done = 0;
        for (Map.Entry<Split, Map<String, List<Path>>> split : files.entrySet()) {
            for (Map.Entry<String, List<Path>> byClass : split.getValue().entrySet()) {
                int label = classes.indexOf(byClass.getKey());
                Path target = Files.createDirectories(staging.resolve(split.getKey().directoryName())
                        .resolve(Integer.toString(label)));
                for (Path file : byClass.getValue()) {
                    if (copyIfUsable(file, target, counts.get(split.getKey())[label])) {
                        counts.get(split.getKey())[label]++;
                    }
                    progress.update("checking images", ++done, total);
                }
            }
        }
        requireUsable(classes, counts);
        return new StagedDataset(Dataset.StorageFormat.IMAGE_FILES, classes, counts, List.copyOf(skipped));
    }

    private boolean copyIfUsable(Path file, Path targetDirectory, int sequence) throws IOException {
        String name = file.getFileName().toString();
        String extension = extension(name);
        if (!EXTENSIONS.contains(extension)) {
            skip(file, "not a .png, .jpg or .jpeg file");
            return false;
        }
        Optional<String> problem = ImageCheck.problem(file, maxPixels);
        if (problem.isPresent()) {
            skip(file, problem.get());
            return false;
        }
        Files.copy(file, targetDirectory.resolve(String.format("%07d%s", sequence, extension)),
                StandardCopyOption.COPY_ATTRIBUTES);
        return true;
    }

    private Map<Split, Map<String, List<Path>>> bySplitFolders() throws IOException {
        Map<Split, Path> splitFolders = new EnumMap<>(Split.class);
        for (Path folder : folders(root)) {
            String name = folder.getFileName().toString();
            Split split = Split.ofDirectoryName(name).orElseThrow(() -> new InvalidRequestException(
                    "the dataset has split folders, and also '" + name + "/', which is none of train/, validation/,"
                            + " test/; nothing was imported"));
            if (splitFolders.put(split, folder) != null) {
                throw new InvalidRequestException("two folders stand for the " + split + " split; nothing was imported");
            }
        }
        if (!splitFolders.containsKey(Split.TRAIN)) {
            throw new InvalidRequestException("the dataset has " + splitFolders.keySet()
                    + " folders but no train/ folder; nothing was imported");
        }
        Map<Split, Map<String, List<Path>>> files = new EnumMap<>(Split.class);
        files.put(Split.TRAIN, classFiles(splitFolders.get(Split.TRAIN)));
        List<String> classes = List.copyOf(files.get(Split.TRAIN).keySet());
        requireClassNames(classes);
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            Map<String, List<Path>> splitFiles = splitFolders.containsKey(split)
                    ? classFiles(splitFolders.get(split)) : new LinkedHashMap<>();
            for (String name : splitFiles.keySet()) {
                if (!classes.contains(name)) {
                    throw new InvalidRequestException("'" + split.directoryName() + "/" + name
                            + "' is not a class of train/ (" + String.join(", ", classes) + "); nothing was imported");
                }
            }
            files.put(split, splitFiles);
        }
        if (!splitFolders.containsKey(Split.VALIDATION)) {
            carve(files, Split.VALIDATION, 1);
        }
        return files;
    }

    private Map<Split, Map<String, List<Path>>> byClassFolders() throws IOException {
        Map<String, List<Path>> all = classFiles(root);
        requireClassNames(List.copyOf(all.keySet()));
        Map<Split, Map<String, List<Path>>> files = new EnumMap<>(Split.class);
        files.put(Split.TRAIN, all);
        files.put(Split.VALIDATION, new LinkedHashMap<>());
        files.put(Split.TEST, new LinkedHashMap<>());
        carve(files, Split.TEST, 2);
        carve(files, Split.VALIDATION, 1);
        return files;
    }

    /** Moves a seeded random share of each class's training files to another split. */
    private void carve(Map<Split, Map<String, List<Path>>> files, Split into, int salt) {
        Map<String, List<Path>> train = files.get(Split.TRAIN);
        Map<String, List<Path>> target = files.get(into);
        int index = 0;
        for (Map.Entry<String, List<Path>> byClass : train.entrySet()) {
            List<Path> shuffled = new ArrayList<>(byClass.getValue());
            Collections.shuffle(shuffled, new Random(seed * 31 + salt * 1_000_003L + index++));
            int moved = (int) Math.round(shuffled.size() * holdOut);
            target.computeIfAbsent(byClass.getKey(), k -> new ArrayList<>())
                    .addAll(shuffled.subList(0, moved).stream().sorted().toList());
            byClass.setValue(shuffled.subList(moved, shuffled.size()).stream().sorted().toList());
        }
    }

    /** Class folder name → its image files, sorted; anything else at that level is reported. */
    private Map<String, List<Path>> classFiles(Path folder) throws IOException {
        Map<String, List<Path>> classes = new java.util.TreeMap<>();
        for (Path entry : entries(folder)) {
            if (Files.isDirectory(entry)) {
                List<Path> images = new ArrayList<>();
                for (Path file : entries(entry)) {
                    if (Files.isRegularFile(file)) {
                        images.add(file);
                    } else {
                        skip(file, "folders inside a class folder are not read");
                    }
                }
                classes.put(entry.getFileName().toString(), images);
            } else {
                skip(entry, "not inside a class folder");
            }
        }
        return classes;
    }

    private static void requireClassNames(List<String> classes) {
        if (classes.isEmpty()) {
            throw new InvalidRequestException("no class folders found; a dataset is one folder per class;"
                    + " nothing was imported");
        }
        if (classes.size() == 1) {
            throw new InvalidRequestException("only one class ('" + classes.get(0) + "'); a classifier needs at"
                    + " least two; nothing was imported");
        }
        Map<String, String> seen = new HashMap<>();
        for (String name : classes) {
            String previous = seen.put(name.toLowerCase(Locale.ROOT), name);
            if (previous != null) {
                throw new InvalidRequestException("class names '" + previous + "' and '" + name
                        + "' differ only in case; rename one; nothing was imported");
            }
        }
    }

    private static void requireUsable(List<String> classes, Map<Split, int[]> counts) {
        int[] train = counts.get(Split.TRAIN);
        if (counts.values().stream().flatMapToInt(java.util.Arrays::stream).sum() == 0) {
            throw new InvalidRequestException("no usable images; nothing was imported");
        }
        for (int i = 0; i < classes.size(); i++) {
            if (train[i] == 0) {
                throw new InvalidRequestException("class '" + classes.get(i)
                        + "' has no usable training images; nothing was imported");
            }
        }
    }

    /** Zips often wrap everything in one top folder; look inside it. */
    private static Path unwrapSingleFolder(Path source) throws IOException {
        Path current = source;
        for (int depth = 0; depth < 3; depth++) {
            List<Path> entries = entries(current);
            if (entries.size() == 1 && Files.isDirectory(entries.get(0)) && !hasSplitFolders(current)
                    && !isClassFolder(entries.get(0))) {
                current = entries.get(0);
            } else {
                break;
            }
        }
        return current;
    }

    /** A folder holding only files is a class; one holding folders is a wrapper. */
    private static boolean isClassFolder(Path folder) throws IOException {
        return folders(folder).isEmpty();
    }

    private static boolean hasSplitFolders(Path folder) throws IOException {
        return folders(folder).stream().anyMatch(f -> Split.ofDirectoryName(f.getFileName().toString()).isPresent());
    }

    private static List<Path> folders(Path folder) throws IOException {
        return entries(folder).stream().filter(Files::isDirectory).toList();
    }

    /** Sorted, without hidden entries (.DS_Store, __MACOSX and the like). */
    private static List<Path> entries(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().equals("__MACOSX")).sorted().toList();
        }
    }

    private void skip(Path file, String reason) {
        skipped.add(new StagedDataset.Skipped(root.relativize(file).toString(), reason));
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }
}
