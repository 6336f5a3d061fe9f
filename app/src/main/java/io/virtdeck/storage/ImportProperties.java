package io.virtdeck.storage;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Image import (README: Image import): images are staged on the Virtdeck server, looked at and converted there with
 * qemu-img, then streamed into a pool of any host.
 *
 * @param stagingDir where uploaded images wait to be imported; what a killed Virtdeck left there goes when its work is
 *                   settled (UndoJournal)
 * @param maxImageSize the largest image (or OVA) accepted
 * @param keepStaged how long a staged image that is neither imported nor discarded is kept
 */
@ConfigurationProperties("virtdeck.import")
public record ImportProperties(
        Path stagingDir,
        @DefaultValue("64GB") DataSize maxImageSize,
        @DefaultValue("6h") Duration keepStaged) {
}
