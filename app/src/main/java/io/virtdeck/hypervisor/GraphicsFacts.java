package io.virtdeck.hypervisor;

/** One graphics device: {@code port} is -1 until the domain runs with autoport. */
public record GraphicsFacts(String type, int port, boolean autoport, String listen) {
}
