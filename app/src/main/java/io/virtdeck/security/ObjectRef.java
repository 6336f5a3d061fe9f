package io.virtdeck.security;

import io.virtdeck.core.Tags;

/**
 * What a grant or a permission check is about, named by its Proxmox-style path: '/', '/hosts/{id}', '/guests/{id}',
 * or '/tags/{tag}' (grants only: every guest and host carrying the tag).
 */
public sealed interface ObjectRef {

    String path();

    static ObjectRef root() {
        return Root.INSTANCE;
    }

    static ObjectRef host(long id) {
        return new HostRef(id);
    }

    static ObjectRef guest(long id) {
        return new GuestRef(id);
    }

    static ObjectRef tag(String tag) {
        return new TagRef(tag);
    }

    /** Reads a path as given to the grants API; null when it is none of the four shapes. */
    static ObjectRef parse(String path) {
        if (path == null) {
            return null;
        }
        if (path.equals("/")) {
            return root();
        }
        if (path.startsWith("/tags/")) {
            String tag = path.substring("/tags/".length());
            return Tags.valid(tag) ? tag(tag) : null;
        }
        String[] parts = path.split("/", -1);
        if (parts.length != 3 || !parts[0].isEmpty() || !parts[2].matches("[1-9][0-9]{0,17}")) {
            return null;
        }
        long id = Long.parseLong(parts[2]);
        return switch (parts[1]) {
            case "hosts" -> host(id);
            case "guests" -> guest(id);
            default -> null;
        };
    }

    /** Everything: the whole fleet and Virtdeck itself. */
    enum Root implements ObjectRef {
        INSTANCE;

        @Override
        public String path() {
            return "/";
        }
    }

    /** A host and, through it, every guest on it. */
    record HostRef(long id) implements ObjectRef {
        @Override
        public String path() {
            return "/hosts/" + id;
        }
    }

    record GuestRef(long id) implements ObjectRef {
        @Override
        public String path() {
            return "/guests/" + id;
        }
    }

    /** Every guest carrying the tag, and every host carrying it with the guests on it: now and later. */
    record TagRef(String tag) implements ObjectRef {
        @Override
        public String path() {
            return "/tags/" + tag;
        }
    }
}
