package io.virtdeck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.task.TaskCancelledException;

/** qemu-img on the Virtdeck server (Debian: qemu-utils): an image's facts, and its conversion to qcow2. */
@Component
class QemuImg {

    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+)\\.\\d+/100%\\)");
    private static final Duration INFO_TIMEOUT = Duration.ofSeconds(30);

    private final JsonMapper json;

    QemuImg(JsonMapper json) {
        this.json = json;
    }

    /** {@code qemu-img info --output=json}: the image alone, never its backing file (qemu-img info opens none). */
    ImageFacts info(Path image) {
        Process process = start(List.of("qemu-img", "info", "--output=json", image.toString()));
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(INFO_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw VirtdeckException.refused("qemu-img took over " + INFO_TIMEOUT.toSeconds() + " s to read the"
                        + " image.");
            }
            if (process.exitValue() != 0) {
                throw VirtdeckException.invalid("image", "qemu-img cannot read the image: " + output.strip());
            }
            return ImageFacts.read(json, output, image);
        } catch (IOException e) {
            throw VirtdeckException.refused("qemu-img could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VirtdeckException.refused("interrupted while reading the image");
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * {@code qemu-img convert -p -O qcow2}: a standalone qcow2 copy of the image. {@code progress} hears whole
     * percents as qemu-img prints them; {@code cancel} stops it (the half-written copy is the caller's to delete).
     */
    void convertToQcow2(Path source, String format, Path target, IntConsumer progress, BooleanSupplier cancel) {
        Process process = start(List.of("qemu-img", "convert", "-p", "-f", format, "-O", "qcow2", source.toString(),
                target.toString()));
        try {
            StringBuilder said = new StringBuilder();
            InputStream out = process.getInputStream();
            StringBuilder line = new StringBuilder();
            int next;
            while ((next = out.read()) != -1) {
                if (next != '\r' && next != '\n') {
                    line.append((char) next);
                    continue;
                }
                Matcher percent = PROGRESS.matcher(line);
                if (percent.find()) {
                    progress.accept(Integer.parseInt(percent.group(1)));
                } else if (!line.isEmpty()) {
                    said.append(line).append(' ');
                }
                line.setLength(0);
                if (cancel.getAsBoolean()) {
                    throw new TaskCancelledException("Cancelled while converting the image.");
                }
            }
            if (cancel.getAsBoolean()) {
                throw new TaskCancelledException("Cancelled while converting the image.");
            }
            if (process.waitFor() != 0) {
                throw VirtdeckException.refused("qemu-img could not convert the image: " + said.append(line)
                        .toString().strip());
            }
        } catch (IOException e) {
            throw VirtdeckException.refused("qemu-img could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskCancelledException("Interrupted while converting the image.");
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process start(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close(); // it reads nothing from us
            return process;
        } catch (IOException e) {
            throw VirtdeckException.refused("qemu-img is not installed on the Virtdeck server (Debian: qemu-utils): "
                    + e.getMessage());
        }
    }
}
