package io.virtdeck.inventory;

import java.util.List;
import java.util.Locale;

import io.virtdeck.core.VirtdeckException;

/**
 * The guest list's sort order, parsed from {@code sort=name}, {@code sort=memory,desc} or {@code sort=-memory}. Only
 * these columns can be sorted on, so no user text ever reaches the ORDER BY clause.
 */
public record GuestSort(Column column, boolean descending) {

    public enum Column {
        NAME("lower(g.name)"), STATE("g.state"), HOST("lower(h.name)"), VCPUS("g.vcpus"), MEMORY("g.memory_mib");

        private final String sql;

        Column(String sql) {
            this.sql = sql;
        }

        String sql() {
            return sql;
        }
    }

    public static final GuestSort DEFAULT = new GuestSort(Column.NAME, false);

    public static GuestSort parse(String sort) {
        if (sort == null || sort.isBlank()) {
            return DEFAULT;
        }
        String text = sort.trim().toLowerCase(Locale.ROOT);
        boolean descending = text.startsWith("-") || text.endsWith(",desc");
        text = text.replaceFirst("^-", "").replaceFirst(",(asc|desc)$", "");
        for (Column column : Column.values()) {
            if (column.name().equalsIgnoreCase(text)) {
                return new GuestSort(column, descending);
            }
        }
        throw VirtdeckException.invalid("sort", "sort must be one of name, state, host, vcpus, memory, "
                + "optionally followed by ,desc.");
    }

    /**
     * Ties are broken by the guest's name, then its id (unique), all in the sort's direction: each sort is the order of
     * one index (V17), so a page is read from it without sorting the fleet, and rows keep their places between loads.
     */
    String orderBy() {
        return String.join(", ", keys().stream().map(key -> key + direction()).toList());
    }

    /** The expressions the list is ordered by, the sort column's first: what a keyset cursor holds the values of. */
    List<String> keys() {
        return column == Column.NAME ? List.of(column.sql, "g.id") : List.of(column.sql, "lower(g.name)", "g.id");
    }

    /** The same order the other way round: the last rows of a long list are read as the first of this one. */
    GuestSort reversed() {
        return new GuestSort(column, !descending);
    }

    private String direction() {
        return descending ? " DESC" : " ASC";
    }

    /** The value of the {@code sort} parameter that gives this order. */
    public String parameter() {
        return column.name().toLowerCase(Locale.ROOT) + (descending ? ",desc" : "");
    }
}
