package io.virtdeck.core;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** One page of a list (OpenAPI: {"items", "total"}), with what the page views need to draw paging links. */
public record Page<T>(List<T> items, long total, @JsonIgnore int page, @JsonIgnore int size) {

    /** Clamps paging input to what lists allow: pages from 0, 1 to 500 items. */
    public static int checkedSize(Integer size, int fallback) {
        if (size == null) {
            return fallback;
        }
        if (size < 1 || size > 500) {
            throw VirtdeckException.invalid("size", "size must be between 1 and 500.");
        }
        return size;
    }

    public static int checkedPage(Integer page) {
        if (page == null) {
            return 0;
        }
        if (page < 0) {
            throw VirtdeckException.invalid("page", "page must be 0 or more.");
        }
        return page;
    }

    @JsonIgnore
    public int pageCount() {
        return size == 0 ? 0 : (int) ((total + size - 1) / size);
    }

    @JsonIgnore
    public boolean hasNext() {
        return (long) (page + 1) * size < total;
    }

    @JsonIgnore
    public boolean hasPrevious() {
        return page > 0;
    }

    @JsonIgnore
    public long firstItem() {
        return total == 0 ? 0 : (long) page * size + 1;
    }

    @JsonIgnore
    public long lastItem() {
        return Math.min(total, (long) (page + 1) * size);
    }
}
