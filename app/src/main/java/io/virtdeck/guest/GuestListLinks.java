package io.virtdeck.guest;

import java.util.List;

import org.springframework.web.util.UriComponentsBuilder;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.GuestKind;
import io.virtdeck.inventory.GuestSort;

/** The guest list's current filters, and the links that change one of them while keeping the rest. */
public record GuestListLinks(Long host, DomainRunState state, String q, List<String> tags, GuestKind kind,
                             GuestSort sort) {

    /** The list filtered by one more tag (a chip clicked on a row), back on its first page. */
    public String withTag(String tag) {
        UriComponentsBuilder builder = base(sort.parameter());
        if (!tags.contains(tag)) {
            builder.queryParam("tag", tag);
        }
        return builder.build().encode().toUriString();
    }

    /** The list without one of its tag filters. */
    public String withoutTag(String tag) {
        return new GuestListLinks(host, state, q, tags.stream().filter(t -> !t.equals(tag)).toList(), kind, sort)
                .base(sort.parameter()).build().encode().toUriString();
    }

    public String page(int page) {
        return base(sort.parameter()).queryParam("page", page).build().encode().toUriString();
    }

    /** Sorting by a column: ascending first, then descending when it is already the ascending sort. */
    public String sortBy(String column) {
        boolean flip = sort.column().name().equalsIgnoreCase(column) && !sort.descending();
        return base(column + (flip ? ",desc" : "")).build().encode().toUriString();
    }

    /** The arrow shown beside a sorted column header, for aria-sort and the eye. */
    public String ariaSort(String column) {
        if (!sort.column().name().equalsIgnoreCase(column)) {
            return "none";
        }
        return sort.descending() ? "descending" : "ascending";
    }

    private UriComponentsBuilder base(String sortParameter) {
        UriComponentsBuilder builder = UriComponentsBuilder.fromPath("/guests");
        if (host != null) {
            builder.queryParam("host", host);
        }
        if (state != null) {
            builder.queryParam("state", state.name());
        }
        if (q != null && !q.isBlank()) {
            builder.queryParam("q", q);
        }
        for (String tag : tags) {
            builder.queryParam("tag", tag);
        }
        if (kind != null) {
            builder.queryParam("kind", kind.name());
        }
        if (!GuestSort.DEFAULT.equals(sort) || !sortParameter.equals(GuestSort.DEFAULT.parameter())) {
            builder.queryParam("sort", sortParameter);
        }
        return builder;
    }
}
