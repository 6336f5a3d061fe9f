package io.virtdeck.inventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.virtdeck.core.VirtdeckException;

/**
 * Where a page of the guest list starts ({@code after=}): the sort and the last row's values of the sort's keys (sort
 * value, lowercased name, id), so the next page is read from the sort's index from that row on, however deep. Given
 * out as {@code next} with each page; opaque to clients.
 */
record GuestCursor(GuestSort sort, Object sortKey, String name, long id) {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** The values, in the order of {@link GuestSort#keys()}. */
    List<Object> values() {
        return sort.column() == GuestSort.Column.NAME ? List.of(name, id) : List.of(sortKey, name, id);
    }

    String encode() {
        return String.join(".", part(sort.parameter()), part(String.valueOf(sortKey)), part(name),
                part(Long.toString(id)));
    }

    /** The cursor in {@code text}, which must have been made for {@code sort}; 400 naming {@code after} if not. */
    static GuestCursor parse(String text, GuestSort sort) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw notACursor();
        }
        List<String> values = new ArrayList<>();
        try {
            for (String part : parts) {
                values.add(new String(DECODER.decode(part), StandardCharsets.UTF_8));
            }
            if (!values.get(0).equals(sort.parameter())) {
                throw VirtdeckException.invalid("after", "after was given out for sort=" + values.get(0)
                        + ": ask with that sort, or start again without after.");
            }
            return new GuestCursor(sort, sortKey(sort.column(), values.get(1)), values.get(2),
                    Long.parseLong(values.get(3)));
        } catch (IllegalArgumentException e) { // bad Base64 or a number that is not one
            throw notACursor();
        }
    }

    private static Object sortKey(GuestSort.Column column, String value) {
        return switch (column) {
            case VCPUS -> Integer.parseInt(value);
            case MEMORY -> Long.parseLong(value);
            case NAME, STATE, HOST -> value;
        };
    }

    private static String part(String value) {
        return ENCODER.encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static VirtdeckException notACursor() {
        return VirtdeckException.invalid("after", "after must be the \"next\" value of a previous page of this list.");
    }
}
