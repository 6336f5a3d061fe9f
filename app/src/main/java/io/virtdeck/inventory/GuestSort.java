package io.virtdeck.inventory;

import java.util.Locale;

import io.virtdeck.web.VirtdeckException;

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

    /** Ties are broken by host name, then id, so that rows keep their places between loads and pages. */
    String orderBy() {
        String direction = descending ? " DESC" : " ASC";
        String hostTie = column == Column.HOST ? "" : ", lower(h.name)" + direction;
        return column.sql + direction + hostTie + ", g.id" + direction;
    }

    /** The value of the {@code sort} parameter that gives this order. */
    public String parameter() {
        return column.name().toLowerCase(Locale.ROOT) + (descending ? ",desc" : "");
    }
}
