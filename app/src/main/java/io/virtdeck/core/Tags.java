package io.virtdeck.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The syntax of the free-form tags on guests and hosts ({@code env:prod}, {@code team-a}), Virtdeck's own: lower-case
 * letters, digits, '-', '_' and '.', starting with a letter or digit, with at most one ':' between a key and a value
 * (each non-empty), {@value #MAX_LENGTH} characters at most; an object carries at most {@value #MAX_PER_OBJECT}. Tags
 * are not lower-cased for the user: {@code Env:Prod} is refused, so that what is typed is what is stored and matched.
 */
public final class Tags {

    public static final int MAX_LENGTH = 64;
    public static final int MAX_PER_OBJECT = 32;

    private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern TAG = Pattern.compile(PART + "(:" + PART + ")?");

    public static final String RULE = "a tag is 1 to " + MAX_LENGTH + " lower-case letters, digits, '-', '_' or '.',"
            + " starting with a letter or digit, with at most one ':' between a key and a value (env:prod)";

    private Tags() {
    }

    public static boolean valid(String tag) {
        return tag != null && tag.length() <= MAX_LENGTH && TAG.matcher(tag).matches();
    }

    /** The tag, or a 400 naming {@code field} and the rule. */
    public static String require(String tag, String field) {
        if (!valid(tag)) {
            throw VirtdeckException.invalid(field, "'" + (tag == null ? "" : tag) + "' is not a tag: " + RULE + ".");
        }
        return tag;
    }

    /** The tags checked, sorted and without repeats (the order the inventory keeps them in); 400 naming the field. */
    public static List<String> requireAll(Collection<String> tags, String field) {
        if (tags == null) {
            throw VirtdeckException.invalid(field, field + " is required: a list of tags (it may be empty).");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String tag : tags) {
            sorted.add(require(tag, field));
        }
        return new ArrayList<>(sorted);
    }

    /** An object's tags after a change: 400 naming the field when they would be more than an object may carry. */
    public static List<String> requireFew(Collection<String> tags, String field) {
        if (tags.size() > MAX_PER_OBJECT) {
            throw VirtdeckException.invalid(field, "An object carries at most " + MAX_PER_OBJECT + " tags; this would"
                    + " make " + tags.size() + ".");
        }
        return List.copyOf(new TreeSet<>(tags));
    }
}
