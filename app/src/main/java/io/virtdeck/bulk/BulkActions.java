package io.virtdeck.bulk;

import java.util.List;

import org.springframework.stereotype.Component;

/**
 * The actions the guest list's action bar offers, for its template ({@code @bulkActions.all()}): the guest pages
 * name them without depending on this package, which depends on theirs.
 */
@Component("bulkActions")
public class BulkActions {

    public List<BulkAction> all() {
        return List.of(BulkAction.values());
    }
}
