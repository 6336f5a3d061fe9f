package io.virtdeck.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories of files Virtdeck fills on its server (staged images), deleted whole. */
public final class FileTrees {

    private FileTrees() {
    }

    /** Deletes the directory and all below it, deepest first; false when there was none. */
    public static boolean delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        return true;
    }
}
